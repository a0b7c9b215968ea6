// The shape of a Llama-family decoder to synthesise: presets for the benchmark models, or "d=..,layers=..,…".
namespace Strata.Engine.Synthesis;

/// <summary>Decoder dimensions.</summary>
/// <param name="Dim">model width</param>
/// <param name="Layers">decoder blocks</param>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads</param>
/// <param name="FeedForward">FFN hidden width</param>
/// <param name="Vocab">vocabulary size</param>
/// <param name="Context">trained context length written to the metadata</param>
/// <param name="TiedOutput">no output.weight: the logits reuse token_embd (as SmolLM does)</param>
public sealed record ModelShape(int Dim, int Layers, int Heads, int KvHeads, int FeedForward, int Vocab, int Context = 2048,
    bool TiedOutput = false)
{
    /// <summary>SmolLM-135M: dim 576, 30 layers, 9/3 heads, ffn 1536, vocab 49152, output tied to the embedding.</summary>
    public static ModelShape SmolLm135M { get; } = new(576, 30, 9, 3, 1536, 49152, TiedOutput: true);

    /// <summary>TinyLlama-1.1B: dim 2048, 22 layers, 32/4 heads, ffn 5632, vocab 32000.</summary>
    public static ModelShape TinyLlama11B { get; } = new(2048, 22, 32, 4, 5632, 32000);

    /// <summary>The synth CI models' shape: dim 256, 4 layers, 8/2 heads, ffn 768, vocab 32000, ctx 512.</summary>
    public static ModelShape CiD256 { get; } = new(256, 4, 8, 2, 768, 32000, 512);

    /// <summary>
    /// Parses "smollm-135m", "tinyllama-1.1b", "ci-d256" or "d=256,layers=4,heads=8,kv-heads=2,ffn=768,vocab=32000[,ctx=512][,tied=1]".
    /// </summary>
    /// <exception cref="ArgumentException">unknown preset, unknown key, missing key or a bad value; the message names it</exception>
    public static ModelShape Parse(string text)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "smollm-135m":
                return SmolLm135M;
            case "tinyllama-1.1b":
                return TinyLlama11B;
            case "ci-d256":
                return CiD256;
        }

        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq];
            if (key is not ("d" or "layers" or "heads" or "kv-heads" or "ffn" or "vocab" or "ctx" or "tied"))
            {
                throw new ArgumentException(
                    $"shape '{text}': '{key}' is not a preset (smollm-135m, tinyllama-1.1b, ci-d256) or a key (d, layers, heads, kv-heads, ffn, vocab, ctx, tied)");
            }

            if (eq < 0 || !int.TryParse(part[(eq + 1)..], out int value) || value < (key == "tied" ? 0 : 1))
            {
                throw new ArgumentException($"shape '{text}': '{part}' needs a positive integer value");
            }

            values[key] = value;
        }

        int Get(string key) => values.TryGetValue(key, out int v) ? v : throw new ArgumentException($"shape '{text}' lacks '{key}='");
        var shape = new ModelShape(Get("d"), Get("layers"), Get("heads"), values.GetValueOrDefault("kv-heads", Get("heads")), Get("ffn"),
            Get("vocab"), values.GetValueOrDefault("ctx", 2048), values.GetValueOrDefault("tied") != 0);
        shape.Validate();
        return shape;
    }

    /// <summary>Checks the dimensions divide as a decoder needs.</summary>
    public void Validate()
    {
        if (Dim % Heads != 0 || (Dim / Heads) % 2 != 0 || Heads % KvHeads != 0 || Dim % 32 != 0 || FeedForward % 32 != 0 || Vocab < 260)
        {
            throw new ArgumentException(
                $"shape d={Dim}, heads={Heads}, kv-heads={KvHeads}, ffn={FeedForward}, vocab={Vocab}: d and ffn must be multiples of 32, "
                + "d/heads an even head size, heads a multiple of kv-heads, vocab at least 260");
        }
    }
}
