// Entry point of the kernel benchmarks: parses the command line and runs the chosen benchmark.
namespace Strata.Bench;

/// <summary>
/// Command line: <c>kernels [--threads N] [--rows R] [--cols C] [--reps K] [--types T1,T2] [--numerics exact|fast] [--prefill N] [--batch-invariant]</c>,
/// or <c>layers [smollm|tinyllama] [type] [threads] [layers] [reps]</c>, or <c>grammar [shared-models-folder] [tokens]</c>, or <c>agents [steps] [tasks]</c>,
/// or <c>cluster-sim [options]</c> (routing policies on simulated replicas, see <see cref="ClusterSim.ClusterSimOptions"/>),
/// or <c>embed-bench [options]</c> (MiniLM encoders side by side, see <see cref="Embed.EmbedBenchOptions"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "layers")
        {
            // layers [shape] [type] [threads] [layers] [reps]
            LayerBench.Run(args.Length > 1 ? args[1] : "smollm", args.Length > 2 ? Enum.Parse<Strata.Kernels.GgmlType>(args[2]) : Strata.Kernels.GgmlType.Q4_0,
                args.Length > 3 ? int.Parse(args[3]) : Environment.ProcessorCount, args.Length > 4 ? int.Parse(args[4]) : 0, args.Length > 5 ? int.Parse(args[5]) : 20);
            return 0;
        }

        if (args.Length > 0 && args[0] == "grammar")
        {
            // grammar [shared-models-folder] [tokens]
            GrammarBench.Run(args.Length > 1 ? args[1] : Path.Combine("..", "shared", "models"), args.Length > 2 ? int.Parse(args[2]) : 2000);
            return 0;
        }

        if (args.Length > 0 && args[0] == "agents")
        {
            // agents [steps] [tasks]
            AgentBench.Run(args.Length > 1 ? int.Parse(args[1]) : 50, args.Length > 2 ? int.Parse(args[2]) : 20);
            return 0;
        }

        if (args.Length > 0 && args[0] == "cluster-sim")
        {
            // cluster-sim [options]: see ClusterSim/ClusterSimOptions.cs
            return ClusterSim.ClusterSimCommand.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "embed-bench")
        {
            // embed-bench [--threads 2] [--batch 32] [--tokens 64] [--runs 10]: see Embed/EmbedBenchOptions.cs
            return Embed.EmbedBench.Run(args[1..]);
        }

        if (args.Length == 0 || args[0] != "kernels")
        {
            Console.Error.WriteLine("usage: Strata.Bench kernels [--threads N] [--rows R] [--cols C] [--reps K] [--types T1,T2] [--numerics exact|fast] [--prefill N] [--batch-invariant]");
            Console.Error.WriteLine("       Strata.Bench layers [smollm|tinyllama] [Q4_0|Q5_0|Q8_0|Q4_K|Q6_K] [threads] [layers] [reps]");
            Console.Error.WriteLine("       Strata.Bench grammar [shared-models-folder] [tokens]");
            Console.Error.WriteLine("       Strata.Bench agents [steps] [tasks]");
            Console.Error.WriteLine("       Strata.Bench embed-bench [--threads 2] [--batch 32] [--tokens 64] [--runs 10] [--warmup 3] [--pause-ms 150] [--models ../shared/models]");
            Console.Error.WriteLine("       Strata.Bench cluster-sim [--replicas 4,8,16,32,64] [--tenants N,8] [--requests-per-replica 250] [--load 0.9 | --rate R] [--seed 1] [--costs FILE] [--save-costs FILE] ...");
            return 2;
        }

        var options = new KernelBenchOptions();
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : string.Empty;
            switch (args[i])
            {
                case "--threads":
                    options.Threads = int.Parse(value);
                    i++;
                    break;
                case "--rows":
                    options.Rows = int.Parse(value);
                    i++;
                    break;
                case "--cols":
                    options.Cols = int.Parse(value);
                    i++;
                    break;
                case "--reps":
                    options.Reps = int.Parse(value);
                    i++;
                    break;
                case "--numerics" when value is "exact" or "fast":
                    options.Numerics = value;
                    i++;
                    break;
                case "--prefill":
                    options.PrefillN = int.Parse(value);
                    i++;
                    break;
                case "--batch-invariant":
                    options.BatchInvariant = true;
                    break;
                case "--types":
                    options.Types = value;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        KernelBench.Run(options);
        return 0;
    }
}
