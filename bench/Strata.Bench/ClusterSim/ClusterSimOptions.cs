// The cluster-sim command line, parsed and validated once.
namespace Strata.Bench.ClusterSim;

/// <summary>
/// <c>cluster-sim [--replicas 4,8,16,32,64] [--policies a,b,c] [--tenants N,8] [--requests-per-replica 500] [--load 0.9,2 | --rate R]
/// [--seed 1] [--costs FILE] [--save-costs FILE] [--model GGUF] [--threads T] [--cache-blocks 4096] [--max-running 8]
/// [--chunk 256] [--load-bound 4[,1,…]] [--out FILE]</c>.
/// </summary>
internal sealed record ClusterSimOptions
{
    /// <summary>Replica counts to simulate.</summary>
    public int[] Replicas { get; init; } = [4, 8, 16, 32, 64];

    /// <summary>Routing policies to compare.</summary>
    public string[] Policies { get; init; } = ["prefix_affinity", "round_robin", "least_loaded"];

    /// <summary>Tenant settings, one table each: 0 = one tenant per replica (N), else a fixed count.</summary>
    public int[] Tenants { get; init; } = [0, 8];

    /// <summary>Requests per replica: the trace for N replicas has N times this many.</summary>
    public int RequestsPerReplica { get; init; } = 500;

    /// <summary>
    /// Offered loads, one table each, as fractions of a replica's capacity without any prefix caching (used unless
    /// <see cref="RatePerReplica"/> is set): below 1 every policy keeps up; above 1 only a policy whose cache hits save
    /// enough prefill does.
    /// </summary>
    public double[] Loads { get; init; } = [0.9, 2.0];

    /// <summary>Arrival rate per replica, requests/s; 0 = derived from each of <see cref="Loads"/>.</summary>
    public double RatePerReplica { get; init; }

    /// <summary>Seed of the trace.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A saved cost table to use instead of measuring.</summary>
    public string? CostsPath { get; init; }

    /// <summary>Where to save the cost table used.</summary>
    public string? SaveCostsPath { get; init; }

    /// <summary>The model measured when no cost table is given.</summary>
    public string ModelPath { get; init; } = Path.Combine("..", "shared", "models", "synth", "ci-d256-l4-q8_0.gguf");

    /// <summary>
    /// Engine threads for the measurement: 1 by default, because on a small shared machine a multi-threaded step waits for
    /// whichever worker another process has preempted, and the measurement becomes a measurement of the neighbours.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Each replica's batch and cache settings.</summary>
    public ReplicaConfig Replica { get; init; } = new();

    /// <summary>prefix_affinity's load bounds: one row per bound (the first is the one the notes call the default).</summary>
    public int[] LoadBounds { get; init; } = [4];

    /// <summary>The results file written.</summary>
    public string OutPath { get; init; } = Path.Combine("bench", "Strata.Bench", "results", "cluster-routing-2026-12-05.md");

    /// <summary>Parses <paramref name="args"/> (after the command name); throws ArgumentException naming the bad option.</summary>
    public static ClusterSimOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new ClusterSimOptions();
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i];
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"option {name} needs a value");
            o = name switch
            {
                "--replicas" => o with { Replicas = Ints(name, value, 1) },
                "--policies" => o with { Policies = value.Split(',') },
                "--tenants" => o with { Tenants = [.. value.Split(',').Select(t => t == "N" ? 0 : Int(name, t, 1))] },
                "--requests-per-replica" => o with { RequestsPerReplica = Int(name, value, 1) },
                "--load" => o with { Loads = [.. value.Split(',').Select(v => Double(name, v))] },
                "--rate" => o with { RatePerReplica = Double(name, value) },
                "--seed" => o with { Seed = Int(name, value, 0) },
                "--costs" => o with { CostsPath = value },
                "--save-costs" => o with { SaveCostsPath = value },
                "--model" => o with { ModelPath = value },
                "--threads" => o with { Threads = Int(name, value, 1) },
                "--cache-blocks" => o with { Replica = o.Replica with { CacheBlocks = Int(name, value, 1) } },
                "--max-running" => o with { Replica = o.Replica with { MaxRunning = Int(name, value, 1) } },
                "--chunk" => o with { Replica = o.Replica with { ChunkTokens = Int(name, value, 1) } },
                "--load-bound" => o with { LoadBounds = Ints(name, value, 0) },
                "--out" => o with { OutPath = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return o;
    }

    /// <summary>The offered loads to run, or a single placeholder when <see cref="RatePerReplica"/> fixes the rate.</summary>
    public double[] LoadsToRun => RatePerReplica > 0 ? [0] : Loads;

    private static int[] Ints(string name, string value, int min) => [.. value.Split(',').Select(v => Int(name, v, min))];

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, out int n) && n >= min ? n : throw new ArgumentException($"option {name} is '{value}', expected an integer ≥ {min}");

    private static double Double(string name, string value) =>
        double.TryParse(value, out double d) && d > 0 ? d : throw new ArgumentException($"option {name} is '{value}', expected a number > 0");
}
