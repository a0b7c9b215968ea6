// `strata generate`: load a model, generate from a prompt, stream text (or print one JSON object), optionally with evidence.
using System.CommandLine;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Cli;

/// <summary>Builds the generate command.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelOrDefault();
        var tokenizer = CommonOptions.Tokenizer();
        var prompt = new Option<string>("--prompt", "-p") { Description = "prompt text", Required = true };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "most tokens to generate", DefaultValueFactory = _ => 128 };
        var temperature = new Option<float>("--temperature") { Description = "sampling temperature; 0 = greedy", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "top-k cut; 0 = off", DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { Description = "nucleus cut; 1 = off", DefaultValueFactory = _ => 0.95f };
        var minP = new Option<float>("--min-p") { Description = "min-p cut; 0 = off", DefaultValueFactory = _ => 0.05f };
        var repeat = new Option<float>("--repeat-penalty") { Description = "repetition penalty; 1 = off", DefaultValueFactory = _ => 1.0f };
        var frequency = new Option<float>("--frequency-penalty") { Description = "frequency penalty; 0 = off" };
        var presence = new Option<float>("--presence-penalty") { Description = "presence penalty; 0 = off" };
        var seed = new Option<ulong?>("--seed", "-s") { Description = "sampling seed (default: random)" };
        var stop = new Option<string[]>("--stop") { Description = "stop string (repeatable)", AllowMultipleArgumentsPerToken = false };
        var grammar = new Option<string?>("--grammar") { Description = "GBNF grammar file (llama.cpp syntax) the generated text must follow" };
        var jsonSchema = new Option<string?>("--json-schema") { Description = "JSON Schema file the generated JSON must follow (compiled to a grammar)" };
        var threads = CommonOptions.Threads();
        var context = CommonOptions.Context();
        var format = CommonOptions.Format();
        var numerics = CommonOptions.Numerics();
        var invariant = new Option<bool>("--batch-invariant")
        {
            Description = "decode with the batched kernels' arithmetic (as strata serve does), so output equals the server's at any batch size",
        };
        var kvType = CommonOptions.KvType();
        var mmap = CommonOptions.Mmap();
        var evidence = new Option<bool>("--evidence") { Description = "print the evidence record (stderr in text mode; always included in json)" };
        var command = new Command("generate", "generate a continuation of a prompt")
        {
            model, tokenizer, prompt, maxTokens, temperature, topK, topP, minP, repeat, frequency, presence, seed, stop, grammar, jsonSchema,
            threads, context, format, evidence, numerics, invariant, kvType, mmap,
        };
        command.SetAction(parse =>
        {
            var sampling = new SamplerOptions
            {
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                MinP = parse.GetValue(minP),
                RepetitionPenalty = parse.GetValue(repeat),
                FrequencyPenalty = parse.GetValue(frequency),
                PresencePenalty = parse.GetValue(presence),
                Seed = parse.GetValue(seed),
            };
            var request = new GenerationRequest(parse.GetValue(prompt)!, parse.GetValue(maxTokens), sampling, parse.GetValue(stop),
                Grammar: Constraint(parse.GetValue(grammar), parse.GetValue(jsonSchema)));
            var options = new EngineOptions(Threads: parse.GetValue(threads), ContextTokens: parse.GetValue(context),
                Mode: CommonOptions.ToMode(parse.GetValue(numerics)!), BatchInvariant: parse.GetValue(invariant),
                KvType: CommonOptions.ToKvType(parse.GetValue(kvType)), Load: CommonOptions.ToLoad(parse.GetValue(mmap)));
            bool json = parse.GetValue(format) == "json";
            return Run(DefaultModel.Resolve(parse.GetValue(model)), parse.GetValue(tokenizer), options, request, json, parse.GetValue(evidence));
        });
        return command;
    }

    // The grammar of --grammar (GBNF) or --json-schema, read and compiled before the model loads; null when neither is given.
    private static Grammar? Constraint(string? gbnfPath, string? schemaPath)
    {
        if (gbnfPath is not null && schemaPath is not null)
        {
            throw new ArgumentException("--grammar and --json-schema exclude each other; give one");
        }

        return gbnfPath is not null ? Grammar.Parse(File.ReadAllText(gbnfPath))
            : schemaPath is not null ? JsonSchemaGrammar.Compile(File.ReadAllText(schemaPath))
            : null;
    }

    private static int Run(string modelPath, string? tokenizerPath, EngineOptions options, GenerationRequest request, bool json, bool printEvidence)
    {
        if (request.MaxTokens < 0)
        {
            throw new ArgumentException($"--max-tokens is {request.MaxTokens}, expected 0 or more");
        }

        request.Sampling.Validate();
        var record = new EvidenceRecord(TimeProvider.System);
        using var runtime = ModelRuntime.Load(modelPath, tokenizerPath, options);
        using var session = new GenerationSession(runtime, request);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = session.Run(json ? null : piece => Console.Out.Write(piece), cancel.Token);
        EngineEvidence.Fill(record, runtime, result, session.Sampler);
        if (json)
        {
            Console.Out.WriteLine(GenerateJson.Write(runtime, result, record));
            return 0;
        }

        Console.Out.WriteLine();
        Console.Out.Flush();
        var m = result.Metrics;
        Console.Error.WriteLine(
            $"[{StopReasons.Name(result.StopReason)}] prompt {m.PromptTokens} tokens in {m.PromptMilliseconds:F1} ms "
            + $"({m.PromptTokensPerSecond:F1} tok/s); generated {m.GeneratedTokens} tokens, decode {m.DecodeTokensPerSecond:F1} tok/s; "
            + $"ttft {m.TimeToFirstTokenMilliseconds:F1} ms; load {runtime.LoadMilliseconds:F0} ms; {runtime.Pool.ThreadCount} threads, {Strata.Kernels.KernelIsa.Active}");
        if (printEvidence)
        {
            Console.Error.WriteLine(record.ToJson());
        }

        return 0;
    }
}
