// Seeded mutation fuzzing of the model and tokenizer readers: a mutant loads (and generates) or fails with a documented, named error.
using Strata.Compiler;
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Tokenizers;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Artifacts;

/// <summary>
/// Every mutant must either load — then a 2-token greedy generation runs — or throw <see cref="ModelFormatException"/> /
/// <see cref="CompileException"/> with a message that names the file or a field. Any other exception, or an iteration
/// over 10 s, fails with the seed, iteration and mutation. The tests share this class so they run one after another.
/// </summary>
public sealed class ModelFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 10_000;
    private static readonly EngineOptions Options = new(Threads: 1, ContextTokens: 64);

    private sealed class Outcomes
    {
        public int Loaded;
        public int Generated;
        public int FormatErrors;
        public int CompileErrors;
        public int PromptTooLong;
        public int NonFiniteLogits;

        public override string ToString() =>
            $"loaded {Loaded} (generated {Generated}, prompt too long {PromptTooLong}, non-finite logits {NonFiniteLogits}), ModelFormatException {FormatErrors}, CompileException {CompileErrors}";
    }

    // Measured on the 2-vCPU shared dev VM (Release, /dev/shm): 20.3–20.9 s for 10,000 mutants (~2 ms each; 56% load).
    [Fact]
    public void Load_MutatedStoriesGguf_LoadsOrThrowsDocumentedErrors()
    {
        var outcomes = new Outcomes();
        var elapsed = FuzzHarness.Run("stories260K.gguf", File.ReadAllBytes(SharedModels.File("stories260K.gguf")), "mutant.gguf",
            seed: 260_001, Mutations, path => LoadAndGenerate(path, null, outcomes, "mutant.gguf"));
        Report("stories260K.gguf", elapsed, outcomes);
    }

    // Measured on the 2-vCPU shared dev VM (Release, /dev/shm): 22.3–23.8 s for 10,000 mutants (85% load; most NaN-free mutants generate).
    [Fact]
    public void Load_MutatedStoriesBin_LoadsOrThrowsDocumentedErrors()
    {
        var outcomes = new Outcomes();
        string tokenizer = SharedModels.File("tok512.bin");
        var elapsed = FuzzHarness.Run("stories260K.bin", File.ReadAllBytes(SharedModels.File("stories260K.bin")), "mutant.bin",
            seed: 260_002, Mutations, path => LoadAndGenerate(path, tokenizer, outcomes, "mutant.bin", "tok512.bin"));
        Report("stories260K.bin", elapsed, outcomes);
    }

    // Measured on the 2-vCPU shared dev VM (Release, /dev/shm): 4.6–5.6 s for 10,000 mutants (89% are rejected by the tokenizer reader).
    [Fact]
    public void Load_MutatedTok512_LoadsOrThrowsDocumentedErrors()
    {
        var outcomes = new Outcomes();
        string model = SharedModels.File("stories260K.bin");
        var elapsed = FuzzHarness.Run("tok512.bin", File.ReadAllBytes(SharedModels.File("tok512.bin")), "mutant-tok512.bin",
            seed: 512_003, Mutations, path => LoadAndGenerate(model, path, outcomes, "mutant-tok512.bin", "stories260K.bin"));
        Report("tok512.bin", elapsed, outcomes);
    }

    public static TheoryData<string, int> Vocabularies => new()
    {
        { "ggml-vocab-gpt-2.gguf", 300 },
        { "ggml-vocab-llama-spm.gguf", 300 },
        { "ggml-vocab-bert-bge.gguf", 40 },
        { "ggml-vocab-deepseek-coder.gguf", 40 },
        { "ggml-vocab-deepseek-llm.gguf", 40 },
        { "ggml-vocab-falcon.gguf", 40 },
        { "ggml-vocab-mpt.gguf", 40 },
        { "ggml-vocab-phi-3.gguf", 40 },
        { "ggml-vocab-refact.gguf", 40 },
        { "ggml-vocab-starcoder.gguf", 40 },
    };

    // Light: vocabulary GGUFs are 0.6–4 MB with 32k–100k tokens. Measured (2-vCPU VM): gpt-2 300 mutants 2.3–2.8 s,
    // llama-spm 300 mutants 1.3–2.0 s, each of the other eight 40 mutants 0.1–1.1 s.
    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void FromGguf_MutatedVocabulary_LoadsOrThrowsModelFormatException(string vocabulary, int mutations)
    {
        var outcomes = new Outcomes();
        string name = "mutant-" + vocabulary;
        var elapsed = FuzzHarness.Run(vocabulary, File.ReadAllBytes(SharedModels.File(Path.Combine("vocab", vocabulary))), name,
            seed: vocabulary.Length * 7919, mutations, path =>
            {
                try
                {
                    using var file = GgufFile.Open(path);
                    var tokenizer = TokenizerFactory.FromGguf(file);
                    outcomes.Loaded++;
                    int[] ids = tokenizer.Encode("Hello world", addSpecial: true);
                    foreach (int id in ids)
                    {
                        Assert.InRange(id, 0, tokenizer.VocabSize - 1);
                    }

                    _ = tokenizer.Decode(ids);
                    outcomes.Generated++;
                }
                catch (ModelFormatException e)
                {
                    outcomes.FormatErrors++;
                    AssertNamesSomething(e, name);
                }
            });
        Report(vocabulary, elapsed, outcomes);
    }

    private static void LoadAndGenerate(string model, string? tokenizer, Outcomes outcomes, params string[] names)
    {
        ModelRuntime runtime;
        try
        {
            runtime = ModelRuntime.Load(model, tokenizer, Options);
        }
        catch (ModelFormatException e)
        {
            outcomes.FormatErrors++;
            AssertNamesSomething(e, names);
            return;
        }
        catch (CompileException e)
        {
            outcomes.CompileErrors++;
            AssertNamesSomething(e, names);
            return;
        }

        using (runtime)
        {
            outcomes.Loaded++;
            try
            {
                using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 2, new SamplerOptions { Temperature = 0 }));
                var result = session.Run();
                Assert.InRange(result.Tokens.Length, 0, 2);
                outcomes.Generated++;
            }
            catch (PromptTooLongException e)
            {
                outcomes.PromptTooLong++;
                Assert.Contains(e.ContextTokens.ToString(), e.Message);
            }
            catch (ModelFormatException e)
            {
                // Weights that load but compute NaN/+inf logits (e.g. a flipped exponent bit) are reported as a corrupt model.
                outcomes.NonFiniteLogits++;
                AssertNamesSomething(e, names);
                Assert.Contains("non-finite", e.Message);
            }
        }
    }

    /// <summary>The message is non-empty and names the file (or its partner) or a quoted field/tensor.</summary>
    private static void AssertNamesSomething(Exception e, string[] names)
    {
        Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{e.GetType().Name} has an empty message");
        bool named = e.Message.Contains('\'') || names.Any(n => e.Message.Contains(n, StringComparison.Ordinal));
        Assert.True(named, $"{e.GetType().Name} message names neither the file nor a field: {e.Message}");
    }

    private static void AssertNamesSomething(Exception e, string name) => AssertNamesSomething(e, [name]);

    private void Report(string target, TimeSpan elapsed, Outcomes outcomes) =>
        output.WriteLine($"{target}: {elapsed.TotalSeconds:F1} s; {outcomes}");
}
