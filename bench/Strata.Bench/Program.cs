// Entry point of the kernel benchmarks: parses the command line and runs the chosen benchmark.
namespace Strata.Bench;

/// <summary>Command line: <c>kernels [--threads N] [--rows R] [--cols C] [--reps K] [--types T1,T2] [--numerics exact|fast] [--prefill N]</c>.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "kernels")
        {
            Console.Error.WriteLine("usage: Strata.Bench kernels [--threads N] [--rows R] [--cols C] [--reps K] [--types T1,T2] [--numerics exact|fast] [--prefill N]");
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
