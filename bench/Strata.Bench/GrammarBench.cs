// Grammar-constrained decoding benchmark: trie build, first-mask latency, per-token cost alone and for 16 sequences,
// against unconstrained sampling, on a 32,000-token (Llama 2) and a 151,669-token (Qwen3) vocabulary.
using System.Diagnostics;
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Tokenizers;

namespace Strata.Bench;

/// <summary>
/// Prints, per vocabulary: the trie's build time; compile + first mask of a fresh 20-property schema; the token step's
/// cost per token with llama.cpp's default sampler chain, unconstrained and constrained, with random logits (a model that
/// knows no JSON: nearly every sample is refused, so a mask is needed each token) cold (a fresh grammar: states and masks
/// built as they come) and warm (cached), for 1 and 16 interleaved sequences, and with logits that favour a valid
/// token (a model that knows JSON: the check-first path). With a models folder, also decode tok/s of real models.
/// </summary>
internal static class GrammarBench
{
    private const int RandomRows = 64;

    /// <summary>A 20-property schema: strings with lengths, formats, enums, bounded numbers, booleans, an array, a nested object.</summary>
    public const string Schema20 = """
        {"type":"object","properties":{
          "id":{"type":"string","format":"uuid"},"name":{"type":"string","maxLength":24},"email":{"type":"string","format":"email"},
          "age":{"type":"integer","minimum":0,"maximum":130},"score":{"type":"number","minimum":0,"maximum":100},
          "active":{"type":"boolean"},"role":{"enum":["admin","user","guest"]},"created":{"type":"string","format":"date-time"},
          "birthday":{"type":"string","format":"date"},"city":{"type":"string","maxLength":20},"country":{"type":"string","maxLength":2,"minLength":2},
          "zip":{"type":"string","pattern":"^[0-9]{5}$"},"phone":{"type":"string","pattern":"^\\+?[0-9]{7,12}$"},
          "tags":{"type":"array","items":{"type":"string","maxLength":10},"maxItems":4},"level":{"type":"integer","minimum":1,"maximum":9},
          "ratio":{"type":"number"},"notes":{"type":["string","null"],"maxLength":30},"verified":{"type":"boolean"},
          "address":{"type":"object","properties":{"street":{"type":"string","maxLength":20},"number":{"type":"integer","minimum":1,"maximum":9999}},"required":["street"]},
          "status":{"const":"ok"}},
         "required":["id","name","email","age","score","active","role","created","birthday","city","country","zip","phone","tags","level","ratio","notes","verified","address","status"]}
        """;

    public static void Run(string sharedModels, int tokens)
    {
        Console.WriteLine($"grammar bench: {Environment.ProcessorCount} cores, {tokens} tokens per measurement, sampler = llama.cpp defaults (top-k 40, top-p 0.95, min-p 0.05, temperature 0.8)");
        var llama2 = Tokenizer(Path.Combine(sharedModels, "llama-2-tiny-random.gguf"));
        Vocabulary("llama-2 (32000)", llama2, tokens);
        var qwen = PieceTokenizer.FromTokenizerJson(Path.Combine(sharedModels, "tokenizers", "qwen3", "tokenizer.json"), "<|endoftext|>", "<|im_end|>");
        Vocabulary($"qwen3 ({qwen.VocabSize})", qwen, tokens);
        Decode(Path.Combine(sharedModels, "llama-2-tiny-random.gguf"));
        Decode(Path.Combine(sharedModels, "synth", "ci-d256-l4-q8_0.gguf"));
    }

    private static void Vocabulary(string name, ITokenizer tokenizer, int tokens)
    {
        var trie = Timed(() => TokenTrie.For(tokenizer), out double trieMs);
        Console.WriteLine();
        Console.WriteLine($"== {name}: trie {trie.NodeCount} nodes, built in {trieMs:F0} ms (once per vocabulary)");
        FirstMask(trie);
        var rows = RandomLogits(tokenizer.VocabSize);
        var sampling = new SamplerOptions { Seed = 1 };
        double free = Best(() => PerToken(tokens, () => Unconstrained(tokenizer, sampling, rows, tokens)));
        Console.WriteLine($"   unconstrained sampling (random logits)      {free,8:F1} µs/token");
        foreach (int sequences in new[] { 1, 16 })
        {
            // Cold: a fresh grammar each time, its automaton and masks built as the tokens come; warm: all of that cached.
            double cold = Best(() => PerToken(tokens, () => Constrained(tokenizer, JsonSchemaGrammar.Compile(Schema20), sampling, rows, tokens, sequences)));
            var grammar = JsonSchemaGrammar.Compile(Schema20);
            Constrained(tokenizer, grammar, sampling, rows, tokens, sequences);
            double warm = Best(() => PerToken(tokens, () => Constrained(tokenizer, grammar, sampling, rows, tokens, sequences)));
            Console.WriteLine($"   constrained, random logits, {sequences,2} sequence(s): cold {cold,8:F1} µs/token (+{cold - free,7:F1}, {cold / free:F2}x), "
                + $"warm {warm,8:F1} µs/token (+{warm - free,7:F1}, {warm / free:F2}x); {TokenGrammar.For(grammar, trie).StateCount} states");
        }

        var aligned = JsonSchemaGrammar.Compile(Schema20);
        var recorded = Record(tokenizer, aligned, sampling, rows);
        MaskTimes(tokenizer, recorded);
        Replay(tokenizer, aligned, sampling, recorded, tokens);
        double freeAligned = Best(() => PerToken(tokens, () => Replay(tokenizer, null, sampling, recorded, tokens)));
        double constrainedAligned = Best(() => PerToken(tokens, () => Replay(tokenizer, aligned, sampling, recorded, tokens)));
        Console.WriteLine($"   logits favouring a valid token (check first, no mask): unconstrained {freeAligned,7:F1}, constrained {constrainedAligned,7:F1} µs/token "
            + $"(+{constrainedAligned - freeAligned:F1}, {constrainedAligned / freeAligned:F2}x)");
    }

    // Compile + first mask of a fresh grammar (new automaton, no cached state), median of 7.
    private static void FirstMask(TokenTrie trie)
    {
        var compile = new List<double>();
        var mask = new List<double>();
        var buffer = new ulong[trie.MaskWords];
        for (int i = 0; i < 7; i++)
        {
            var grammar = Timed(() => JsonSchemaGrammar.Compile(Schema20), out double compileMs);
            Timed(() => new GrammarMatcher(TokenGrammar.For(grammar, trie)).ComputeMask(buffer), out double maskMs);
            compile.Add(compileMs);
            mask.Add(maskMs);
        }

        compile.Sort();
        mask.Sort();
        Console.WriteLine($"   20-property schema: compile {compile[3]:F2} ms, first mask {mask[3]:F2} ms, together {compile[3] + mask[3]:F2} ms (median of 7)");
    }

    // Along one generation's tokens, with a fresh grammar: each state's first mask (a trie walk) and a cached one.
    private static void MaskTimes(ITokenizer tokenizer, List<int> recorded)
    {
        var matcher = GrammarMatcher.Create(JsonSchemaGrammar.Compile(Schema20), tokenizer);
        var mask = new ulong[matcher.Grammar.Trie.MaskWords];
        var walks = new List<double>();
        var cached = new List<double>();
        foreach (int token in recorded)
        {
            var watch = Stopwatch.StartNew();
            matcher.ComputeMask(mask);
            walks.Add(watch.Elapsed.TotalMicroseconds);
            watch.Restart();
            matcher.ComputeMask(mask);
            cached.Add(watch.Elapsed.TotalMicroseconds);
            matcher.TryAccept(token);
        }

        walks.Sort();
        cached.Sort();
        Console.WriteLine($"   masks along {recorded.Count} tokens: first computation median {walks[walks.Count / 2],7:F1} µs, p90 {walks[walks.Count * 9 / 10],7:F1} µs, "
            + $"max {walks[^1],8:F1} µs (uncached states walk the trie); cached median {cached[cached.Count / 2],5:F1} µs");
    }

    private static void Unconstrained(ITokenizer tokenizer, SamplerOptions sampling, float[][] rows, int tokens)
    {
        var chain = SamplerChain.FromOptions(sampling, tokenizer.VocabSize);
        var history = new int[] { 1 };
        for (int i = 0; i < tokens; i++)
        {
            chain.Sample(rows[i % RandomRows], history);
        }
    }

    // `sequences` interleaved sequences under one grammar, each restarted when its grammar completes.
    private static void Constrained(ITokenizer tokenizer, Strata.Engine.Grammar.Grammar grammar, SamplerOptions sampling, float[][] rows, int tokens, int sequences)
    {
        var states = new GenerationState[sequences];
        for (int s = 0; s < sequences; s++)
        {
            states[s] = NewState(tokenizer, grammar, sampling with { Seed = (ulong)(s + 1) });
        }

        for (int i = 0; i < tokens; i++)
        {
            int s = i % sequences;
            var step = TokenStep.Next(states[s], rows[(i / sequences) % RandomRows], states[s].Generated, tokenizer);
            if (step.Stop is not null)
            {
                states[s] = NewState(tokenizer, grammar, sampling with { Seed = (ulong)(s + 1 + i) });
            }
        }
    }

    private static GenerationState NewState(ITokenizer tokenizer, Strata.Engine.Grammar.Grammar? grammar, SamplerOptions sampling) =>
        new([1], 4000, 4096, SamplerChain.FromOptions(sampling, tokenizer.VocabSize), null,
            grammar is null ? null : GrammarMatcher.Create(grammar, tokenizer));

    // One constrained generation's tokens, to replay with logits that favour them.
    private static List<int> Record(ITokenizer tokenizer, Strata.Engine.Grammar.Grammar grammar, SamplerOptions sampling, float[][] rows)
    {
        var state = NewState(tokenizer, grammar, sampling);
        var tokens = new List<int>();
        for (int i = 0; ; i++)
        {
            var step = TokenStep.Next(state, rows[i % RandomRows], i, tokenizer);
            if (step.Stop is not null)
            {
                return tokens;
            }

            tokens.Add(step.Token);
        }
    }

    private static void Replay(ITokenizer tokenizer, Strata.Engine.Grammar.Grammar? grammar, SamplerOptions sampling, List<int> recorded, int tokens)
    {
        var row = new float[tokenizer.VocabSize];
        var state = NewState(tokenizer, grammar, sampling);
        for (int i = 0, k = 0; i < tokens; i++, k++)
        {
            if (k == recorded.Count)
            {
                state = NewState(tokenizer, grammar, sampling);
                k = 0;
            }

            Array.Fill(row, 0f);
            row[recorded[k]] = 30f;
            TokenStep.Next(state, row, state.Generated, tokenizer);
        }
    }

    // Decode tok/s of a real model, token steps included (random-weight models: nearly every sample is refused).
    private static void Decode(string model)
    {
        if (!File.Exists(model))
        {
            return;
        }

        using var runtime = ModelRuntime.Load(model, null, new EngineOptions(Threads: 2, ContextTokens: 1024));
        var grammar = JsonSchemaGrammar.Compile(Schema20, new JsonSchemaGrammarOptions { Whitespace = JsonWhitespace.Compact });
        int constrainedTokens = 0;
        DecodeRate(runtime, null, 1, out _);
        DecodeRate(runtime, grammar, 1, out _);
        double free = -Best(() => -DecodeRate(runtime, null, 2, out _));
        double constrained = -Best(() => -DecodeRate(runtime, grammar, 2, out constrainedTokens));
        Console.WriteLine();
        Console.WriteLine($"== decode {Path.GetFileName(model)} (vocab {runtime.Model.Spec.VocabSize}), best of 3, forward + token step: "
            + $"unconstrained {free:F1} tok/s, 20-property schema {constrained:F1} tok/s ({constrained / free:F2}x; {constrainedTokens} tokens to a complete object)");
    }

    // Generated tokens per second of wall time after the prompt (forward passes, sampling and grammar together).
    private static double DecodeRate(ModelRuntime runtime, Strata.Engine.Grammar.Grammar? grammar, ulong seed, out int tokens)
    {
        var request = new GenerationRequest("Once upon a time", 300, new SamplerOptions { Seed = seed }, Grammar: grammar);
        using var session = new GenerationSession(runtime, request);
        session.Prefill();
        var watch = Stopwatch.StartNew();
        tokens = 0;
        while (session.Step(out _, out _))
        {
            tokens++;
        }

        return tokens / watch.Elapsed.TotalSeconds;
    }

    private static float[][] RandomLogits(int vocab)
    {
        var random = new Random(7);
        var rows = new float[RandomRows][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new float[vocab];
            for (int i = 0; i < vocab; i++)
            {
                rows[r][i] = (float)((random.NextDouble() * 8) - 4);
            }
        }

        return rows;
    }

    private static GgufTokenizer Tokenizer(string gguf)
    {
        using var file = GgufFile.Open(gguf);
        return TokenizerFactory.FromGguf(file);
    }

    // The best of three runs: the machine is shared, so the fastest run is the least disturbed one.
    private static double Best(Func<double> run)
    {
        double a = run();
        double b = run();
        double c = run();
        return Math.Min(a, Math.Min(b, c));
    }

    private static double PerToken(int tokens, Action body)
    {
        var watch = Stopwatch.StartNew();
        body();
        return watch.Elapsed.TotalMicroseconds / tokens;
    }

    private static T Timed<T>(Func<T> body, out double milliseconds)
    {
        var watch = Stopwatch.StartNew();
        var result = body();
        milliseconds = watch.Elapsed.TotalMilliseconds;
        return result;
    }
}
