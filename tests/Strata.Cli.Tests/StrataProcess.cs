// Runs the real `strata` binary (built beside the tests) as a user would, capturing exit code, stdout and stderr.
using System.Diagnostics;

namespace Strata.Cli.Tests;

internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

internal static class StrataProcess
{
    public static ProcessResult Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "strata.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"strata {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Shared(string relative)
    {
        string? env = Environment.GetEnvironmentVariable("STRATA_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.Combine(env, "models", relative);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "models");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(candidate, relative);
            }
        }

        throw new DirectoryNotFoundException($"shared/models not found above {AppContext.BaseDirectory}; set STRATA_SHARED");
    }
}
