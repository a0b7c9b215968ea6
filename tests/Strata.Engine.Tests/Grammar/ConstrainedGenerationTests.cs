// Acceptance: 1,000 generations from models that know no JSON, under random schemas, every output valid per JsonSchema.Net.
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Grammar;

/// <summary>
/// The real engine (one-sequence <see cref="GenerationSession"/> and the batched <see cref="GenerationLoop"/>, where
/// every sequence of a batch has a different schema) on stories260K (512 tokens) and llama-2-tiny-random (Llama 2's
/// 32000), temperatures 0, 0.7 and 1.5, seeded. Each output must end because its grammar completed (or at an
/// end-of-generation token once complete), never at the token limit, and must parse and validate with JsonSchema.Net
/// (format assertion on). 2 models × (90 session + 410 batched) = 1,000 generations.
/// </summary>
public sealed class ConstrainedGenerationTests(ITestOutputHelper output)
{
    private const int MaxTokens = 500;
    private const int SessionRuns = 90;
    private const int BatchedRuns = 410;
    private static readonly float[] Temperatures = [0f, 0.7f, 1.5f];

    public static TheoryData<string> Models => new() { "stories260K.gguf", "llama-2-tiny-random.gguf" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Session_RandomSchemas_EveryOutputValidates(string model)
    {
        using var runtime = Load(model, sequences: 1);
        var schemas = new RandomSchemas(model.Length * 7919);
        var outcomes = new Outcomes();
        for (int i = 0; i < SessionRuns; i++)
        {
            var (schema, grammar, sampling) = Case(schemas, i);
            using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", MaxTokens, sampling, Grammar: grammar));
            var result = session.Run();
            Assert.Equal(grammar.Sha256, session.Sampler.GrammarSha256);
            outcomes.Add(schema, sampling, result.StopReason, result.Text, result.Tokens.Length);
        }

        outcomes.AssertAllValid(SessionRuns, output);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Loop_BatchOfDifferentSchemas_EveryOutputValidates(string model)
    {
        using var runtime = Load(model, sequences: 8);
        using var loop = new GenerationLoop(runtime, maxRunning: 8).Start();
        var schemas = new RandomSchemas(model.Length * 104729);
        int[] prompt = runtime.Model.Tokenizer.Encode("Once upon a time", addSpecial: true);
        var runs = new List<(string Schema, SamplerOptions Sampling, LoopSequence Sequence)>();
        for (int i = 0; i < BatchedRuns; i++)
        {
            var (schema, grammar, sampling) = Case(schemas, i);
            runs.Add((schema, sampling, loop.Submit(prompt, MaxTokens, sampling, null, grammar: grammar)));
        }

        var outcomes = new Outcomes();
        foreach (var (schema, sampling, sequence) in runs)
        {
            var text = new System.Text.StringBuilder();
            await foreach (var e in sequence.Events.ReadAllAsync())
            {
                text.Append(e.Text);
            }

            outcomes.Add(schema, sampling, sequence.Completion!.Reason, text.ToString(), sequence.Completion.CompletionTokens);
        }

        outcomes.AssertAllValid(BatchedRuns, output);
    }

    // Schema i of the stream, its grammar (compact or minimal whitespace) and seeded sampling at one of the temperatures.
    private static (string Schema, Strata.Engine.Grammar.Grammar Grammar, SamplerOptions Sampling) Case(RandomSchemas schemas, int i)
    {
        string schema = schemas.Next();
        var whitespace = i % 2 == 0 ? JsonWhitespace.Compact : JsonWhitespace.Minimal;
        var grammar = JsonSchemaGrammar.Compile(schema, new JsonSchemaGrammarOptions { Whitespace = whitespace });
        var sampling = new SamplerOptions { Temperature = Temperatures[i % Temperatures.Length], Seed = (ulong)(1000 + i) };
        return (schema, grammar, sampling);
    }

    private static ModelRuntime Load(string model, int sequences) =>
        ModelRuntime.Load(SharedModels.File(model), null, new EngineOptions(Threads: 2, ContextTokens: 512, Sequences: sequences));

    private sealed class Outcomes
    {
        private readonly List<string> _failures = [];
        private readonly Dictionary<StopReason, int> _stops = [];
        private int _count;
        private int _mostTokens;
        private long _tokens;

        public void Add(string schema, SamplerOptions sampling, StopReason stop, string text, int tokens)
        {
            _count++;
            _tokens += tokens;
            _mostTokens = Math.Max(_mostTokens, tokens);
            _stops[stop] = _stops.GetValueOrDefault(stop) + 1;
            if (stop is not (StopReason.GrammarComplete or StopReason.EndOfSequence))
            {
                _failures.Add($"ended with {StopReasons.Name(stop)} after {tokens} tokens (not counted as valid) at temperature {sampling.Temperature}: {schema}\ntext {text}");
            }
            else if (SchemaValidator.Check(schema, text) is { } error)
            {
                _failures.Add($"{error} at temperature {sampling.Temperature}\nschema {schema}\ntext {text}");
            }
        }

        public void AssertAllValid(int expected, ITestOutputHelper output)
        {
            output.WriteLine($"{_count} generations, {_tokens} tokens, at most {_mostTokens} in one (limit {MaxTokens}); stops: "
                + string.Join(", ", _stops.Select(s => $"{StopReasons.Name(s.Key)} {s.Value}")));
            Assert.Equal(expected, _count);
            Assert.True(_failures.Count == 0, $"{_failures.Count} of {_count} failed:\n" + string.Join("\n\n", _failures.Take(5)));
        }
    }
}
