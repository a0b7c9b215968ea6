// The shape of a decoder to synthesise: architecture, dimensions and each architecture's extras; named presets or "d=..,layers=..,…".
namespace Strata.Engine.Synthesis;

/// <summary>
/// Decoder dimensions. The positional members are common to every architecture; the init-only members are the extras an
/// architecture uses (others leave them at their defaults). <see cref="Parse(string, string?)"/> fills in each
/// architecture's defaults (RoPE base, norm epsilon, sliding window, soft-caps) for the <c>d=</c> form.
/// </summary>
/// <param name="Dim">model width</param>
/// <param name="Layers">decoder blocks</param>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads</param>
/// <param name="FeedForward">FFN hidden width (for MoE, the dense width written as feed_forward_length)</param>
/// <param name="Vocab">vocabulary size</param>
/// <param name="Context">trained context length written to the metadata</param>
/// <param name="TiedOutput">no output.weight: the logits reuse token_embd (as SmolLM, Qwen3-0.6B and Gemma do)</param>
public sealed record ModelShape(int Dim, int Layers, int Heads, int KvHeads, int FeedForward, int Vocab, int Context = 2048,
    bool TiedOutput = false)
{
    /// <summary>GGUF <c>general.architecture</c>: llama, qwen2, qwen3, qwen3moe, gemma2, gemma3 or phi3.</summary>
    public string Architecture { get; init; } = "llama";

    /// <summary>Head width when it is not <see cref="Dim"/> / <see cref="Heads"/> (Qwen3, Gemma); null for the quotient.</summary>
    public int? ExplicitHeadDim { get; init; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => ExplicitHeadDim ?? Dim / Heads;

    /// <summary>RoPE base (θ) of the global-attention layers.</summary>
    public float RopeBase { get; init; } = 10000f;

    /// <summary>RoPE base of the sliding-window layers (Gemma 3's local layers); 0 when the architecture has none.</summary>
    public float RopeBaseSwa { get; init; }

    /// <summary>RoPE scaling (none, linear, YaRN, Llama 3, LongRoPE).</summary>
    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;

    /// <summary>RMS norm epsilon.</summary>
    public float NormEpsilon { get; init; } = 1e-5f;

    /// <summary>Sliding-window width in tokens (a query sees itself and the window − 1 before it); 0 for none.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>Sliding-window period: in every group of this many layers all but the last use the window (llama.cpp's rule).</summary>
    public int SlidingWindowPattern { get; init; }

    /// <summary>Routed experts per MoE layer; 0 for a dense FFN.</summary>
    public int Experts { get; init; }

    /// <summary>Experts each token is routed to.</summary>
    public int ExpertsUsed { get; init; }

    /// <summary>Hidden width of one expert.</summary>
    public int ExpertFeedForward { get; init; }

    /// <summary>Attention-logit soft-cap (Gemma 2: 50); 0 for none.</summary>
    public float AttentionSoftcap { get; init; }

    /// <summary>Final-logit soft-cap (Gemma 2: 30); 0 for none.</summary>
    public float FinalSoftcap { get; init; }

    /// <summary>SmolLM-135M (llama): dim 576, 30 layers, 9/3 heads, ffn 1536, vocab 49152, output tied to the embedding.</summary>
    public static ModelShape SmolLm135M { get; } = new(576, 30, 9, 3, 1536, 49152, TiedOutput: true);

    /// <summary>TinyLlama-1.1B (llama): dim 2048, 22 layers, 32/4 heads, ffn 5632, vocab 32000.</summary>
    public static ModelShape TinyLlama11B { get; } = new(2048, 22, 32, 4, 5632, 32000);

    /// <summary>The synth CI models' shape (llama): dim 256, 4 layers, 8/2 heads, ffn 768, vocab 32000, ctx 512.</summary>
    public static ModelShape CiD256 { get; } = new(256, 4, 8, 2, 768, 32000, 512);

    /// <summary>
    /// Llama-3.2-1B (llama): dim 2048, 16 layers, 32/8 heads, ffn 8192, vocab 128256, ctx 131072, tied, RoPE θ 500000 with
    /// Llama 3 scaling (factor 32, low/high frequency factors 1/4, original context 8192), eps 1e-5.
    /// </summary>
    public static ModelShape Llama32_1B { get; } = new(2048, 16, 32, 8, 8192, 128256, 131072, TiedOutput: true)
    {
        RopeBase = 500000f,
        RopeScaling = new(RopeScalingKind.Llama3, 32f, 8192),
    };

    /// <summary>
    /// Qwen3-0.6B (qwen3): dim 1024, 28 layers, 16/8 heads of width 128 (not 1024/16), ffn 3072, vocab 151936, ctx 40960, tied,
    /// RoPE θ 1e6, eps 1e-6.
    /// </summary>
    public static ModelShape Qwen3_06B { get; } = new(1024, 28, 16, 8, 3072, 151936, 40960, TiedOutput: true)
    {
        Architecture = "qwen3",
        ExplicitHeadDim = 128,
        RopeBase = 1e6f,
        NormEpsilon = 1e-6f,
    };

    /// <summary>
    /// Gemma-3-1B (gemma3): dim 1152, 26 layers, 4/1 heads of width 256, ffn 6912, vocab 262144, ctx 32768, tied; window 512 on
    /// five layers of every six; RoPE θ 1e6 on global layers and 10000 on local ones; eps 1e-6.
    /// </summary>
    public static ModelShape Gemma3_1B { get; } = new(1152, 26, 4, 1, 6912, 262144, 32768, TiedOutput: true)
    {
        Architecture = "gemma3",
        ExplicitHeadDim = 256,
        RopeBase = 1e6f,
        RopeBaseSwa = 10000f,
        NormEpsilon = 1e-6f,
        SlidingWindow = 512,
        SlidingWindowPattern = 6,
    };

    /// <summary>
    /// Gemma-2-2B (gemma2): dim 2304, 26 layers, 8/4 heads of width 256, ffn 9216, vocab 256000, ctx 8192, tied; window 4096 on
    /// every other layer; attention soft-cap 50, final soft-cap 30; RoPE θ 10000; eps 1e-6.
    /// </summary>
    public static ModelShape Gemma2_2B { get; } = new(2304, 26, 8, 4, 9216, 256000, 8192, TiedOutput: true)
    {
        Architecture = "gemma2",
        ExplicitHeadDim = 256,
        NormEpsilon = 1e-6f,
        SlidingWindow = 4096,
        SlidingWindowPattern = 2,
        AttentionSoftcap = 50f,
        FinalSoftcap = 30f,
    };

    /// <summary>
    /// Phi-3.5-mini (phi3): dim 3072, 32 layers, 32/32 heads, ffn 8192, vocab 32064, ctx 131072, LongRoPE from an original
    /// context of 4096 (factor 32), sliding_window 262144 as its config states (llama.cpp ignores it), RoPE θ 10000, eps 1e-5.
    /// </summary>
    public static ModelShape Phi3Mini { get; } = new(3072, 32, 32, 32, 8192, 32064, 131072)
    {
        Architecture = "phi3",
        RopeScaling = new(RopeScalingKind.LongRope, 32f, 4096),
        SlidingWindow = 262144,
    };

    /// <summary>
    /// Qwen3-30B-A3B scaled down (qwen3moe): the same structure (heads of width 128, 8 experts of the layer's pool per token,
    /// normalised top-k weights, untied output, RoPE θ 1e6, eps 1e-6) at dim 512 (2048), 4 layers (48), 16/2 heads (32/4),
    /// 16 experts (128) of width 256 (768), dense ffn 1536 (6144), vocab 151936, ctx 40960.
    /// </summary>
    public static ModelShape Qwen3_30B_A3B_Mini { get; } = new(512, 4, 16, 2, 1536, 151936, 40960)
    {
        Architecture = "qwen3moe",
        ExplicitHeadDim = 128,
        RopeBase = 1e6f,
        NormEpsilon = 1e-6f,
        Experts = 16,
        ExpertsUsed = 8,
        ExpertFeedForward = 256,
    };

    /// <summary>
    /// all-MiniLM-L6-v2's shape (bert): dim 384, 6 layers, 12 heads of 32, ffn 1536, vocab 30522 (its WordPiece vocab.txt),
    /// 512 positions, LayerNorm eps 1e-12.
    /// </summary>
    public static ModelShape MiniLmL6 { get; } = new(384, 6, 12, 12, 1536, 30522, 512)
    {
        Architecture = "bert",
        NormEpsilon = 1e-12f,
    };

    /// <summary>The named presets, by the name <see cref="Parse(string, string?)"/> accepts.</summary>
    public static IReadOnlyDictionary<string, ModelShape> Presets { get; } = new Dictionary<string, ModelShape>(StringComparer.Ordinal)
    {
        ["smollm-135m"] = SmolLm135M,
        ["tinyllama-1.1b"] = TinyLlama11B,
        ["ci-d256"] = CiD256,
        ["llama3.2-1b"] = Llama32_1B,
        ["qwen3-0.6b"] = Qwen3_06B,
        ["gemma3-1b"] = Gemma3_1B,
        ["gemma2-2b"] = Gemma2_2B,
        ["phi3-mini"] = Phi3Mini,
        ["qwen3-30b-a3b-mini"] = Qwen3_30B_A3B_Mini,
        ["minilm-l6"] = MiniLmL6,
    };

    /// <summary>Parses a preset name or the key form for the llama architecture (or a preset's own).</summary>
    /// <exception cref="ArgumentException">unknown preset, unknown key, missing key or a bad value; the message names it</exception>
    public static ModelShape Parse(string text) => Parse(text, null);

    /// <summary>
    /// Parses a preset name (<see cref="Presets"/>), or "d=..,layers=..,heads=..,kv-heads=..,ffn=..,vocab=..[,ctx=..][,tied=1]"
    /// plus the keys <paramref name="architecture"/> takes (head-dim, window, swa-pattern, experts, experts-used, expert-ffn,
    /// rope-base, rope-base-swa, rope-scaling, rope-factor, rope-orig-ctx, long-rope, softcap-attn, softcap-final).
    /// </summary>
    /// <param name="text">preset name or key list</param>
    /// <param name="architecture">architecture name; null for the preset's own, or llama for the key form</param>
    /// <exception cref="ArgumentException">unknown preset or architecture, a preset of another architecture, a key the
    /// architecture does not take, a missing key or a bad value; the message names it</exception>
    public static ModelShape Parse(string text, string? architecture) => ShapeText.Parse(text, architecture);

    /// <summary>Checks the dimensions divide as a decoder and the quantized formats need.</summary>
    /// <exception cref="ArgumentException">names each dimension that breaks a rule, and the rule</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Heads < 1 || KvHeads < 1)
        {
            problems.Add($"heads={Heads} and kv-heads={KvHeads} must be positive");
        }
        else
        {
            if (Dim % Heads != 0 && ExplicitHeadDim is null)
            {
                problems.Add($"d={Dim} is not a multiple of heads={Heads}");
            }

            if (HeadDim % 2 != 0)
            {
                problems.Add($"the head size {HeadDim} is odd (RoPE rotates pairs)");
            }

            if (Heads % KvHeads != 0)
            {
                problems.Add($"heads={Heads} is not a multiple of kv-heads={KvHeads}");
            }
        }

        var unaligned = new List<string>();
        foreach (var (name, width) in new[] { ("d", Dim), ("ffn", FeedForward), ("heads·head-dim", Heads * HeadDim), ("expert-ffn", ExpertFeedForward) })
        {
            if (width % 32 != 0)
            {
                unaligned.Add($"{name}={width}");
            }
        }

        if (unaligned.Count > 0)
        {
            problems.Add($"{string.Join(", ", unaligned)} must be multiples of 32 (quantized rows are whole 32-weight blocks; K-quant "
                + "rows that are not a multiple of 256 fall back to Q5_0/Q8_0 as llama-quantize does)");
        }

        if (Vocab < 260)
        {
            problems.Add($"vocab={Vocab} is below 260 (3 specials and 256 byte tokens)");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"shape d={Dim}, heads={Heads}, kv-heads={KvHeads}, ffn={FeedForward}, vocab={Vocab}: {string.Join("; ", problems)}");
        }
    }
}
