// `strata probe`: the exact-version record of this machine every other layer cites.
using System.CommandLine;
using Strata.Substrate;

namespace Strata.Cli;

/// <summary>Builds the probe command.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var threads = CommonOptions.Threads();
        var noBandwidth = new Option<bool>("--no-bandwidth") { Description = "skip the memory bandwidth and peak compute measurements" };
        var command = new Command("probe", "print time, version, OS, .NET, CPU, usable ISA, cores, memory, measured read bandwidth and peak f32 FMA rate")
        {
            format, threads, noBandwidth,
        };
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1)
            {
                throw new ArgumentException($"--threads is {threadCount}, expected at least 1");
            }

            var report = ProbeReport.Collect(TimeProvider.System, !parse.GetValue(noBandwidth), threadCount);
            Console.Out.WriteLine(parse.GetValue(format) == "json" ? report.ToJson() : report.ToText());
            return 0;
        });
        return command;
    }
}
