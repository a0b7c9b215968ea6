// Options of embed-bench, parsed and validated once.
namespace Strata.Bench.Embed;

/// <summary>embed-bench's settings; the defaults are golden/minilm_ort_bench.json's setup.</summary>
internal sealed record EmbedBenchOptions
{
    public int Threads { get; init; } = 2;

    public int Batch { get; init; } = 32;

    public int Tokens { get; init; } = 64;

    public int Runs { get; init; } = 10;

    public int Warmup { get; init; } = 3;

    /// <summary>
    /// Idle milliseconds before each timed run. ONNX Runtime's intra-op worker keeps spinning after a run returns (about 40 ms
    /// of CPU measured on the 2-vCPU EPYC); at 50 ms that tail could still take a core from the next column's run.
    /// </summary>
    public int PauseMs { get; init; } = 150;

    /// <summary>The shared models folder (model under onnx/all-MiniLM-L6-v2, goldens under golden/).</summary>
    public string Models { get; init; } = Path.Combine("..", "shared", "models");

    public string ModelPath => Path.Combine(Models, "onnx", "all-MiniLM-L6-v2", "model.onnx");

    public string GoldenPath => Path.Combine(Models, "golden", "minilm_ort_bench.json");

    public const string Usage = "usage: Strata.Bench embed-bench [--threads 2] [--batch 32] [--tokens 64] [--runs 10] [--warmup 3] [--pause-ms 150] [--models ../shared/models]";

    /// <summary>Parses <c>--name value</c> pairs; null (with the reason on stderr) when an option is unknown or invalid.</summary>
    public static EmbedBenchOptions? Parse(string[] args)
    {
        var options = new EmbedBenchOptions();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"option {args[i]} needs a value");
                return null;
            }

            string value = args[i + 1];
            if (args[i] == "--models")
            {
                options = options with { Models = value };
                continue;
            }

            if (!int.TryParse(value, out int number) || number < (args[i] is "--warmup" or "--pause-ms" ? 0 : 1))
            {
                Console.Error.WriteLine($"option {args[i]}: '{value}' is not a valid count");
                return null;
            }

            switch (args[i])
            {
                case "--threads": options = options with { Threads = number }; break;
                case "--batch": options = options with { Batch = number }; break;
                case "--tokens" when number >= 2: options = options with { Tokens = number }; break;
                case "--runs": options = options with { Runs = number }; break;
                case "--warmup": options = options with { Warmup = number }; break;
                case "--pause-ms": options = options with { PauseMs = number }; break;
                default:
                    Console.Error.WriteLine($"unknown or invalid option {args[i]} {value}");
                    return null;
            }
        }

        return options;
    }
}
