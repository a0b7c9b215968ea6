// Runs the real `strata` binary (built beside the tests) as a user would, capturing exit code, stdout and stderr.
using System.Diagnostics;

namespace Strata.Cli.Tests;

internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

internal static class StrataProcess
{
    public static ProcessResult Run(params string[] args) =>
        Exec("dotnet", [Path.Combine(AppContext.BaseDirectory, "strata.dll"), .. args], workingDirectory: null, TimeSpan.FromMinutes(2));

    /// <summary>Runs strata with <paramref name="input"/> as its standard input (then closed), as a user typing lines would.</summary>
    public static ProcessResult RunWithInput(string input, params string[] args) =>
        Exec("dotnet", [Path.Combine(AppContext.BaseDirectory, "strata.dll"), .. args], workingDirectory: null, TimeSpan.FromMinutes(2), input);

    /// <summary>Runs strata with <paramref name="environment"/> added to (or, for a null value, removed from) its environment.</summary>
    public static ProcessResult RunWithEnvironment(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Exec("dotnet", [Path.Combine(AppContext.BaseDirectory, "strata.dll"), .. args], workingDirectory: null, TimeSpan.FromMinutes(2), environment: environment);

    /// <summary>Runs any program (dotnet pack, an installed tool) to its end, or kills it after <paramref name="timeout"/>.</summary>
    public static ProcessResult Exec(string file, IEnumerable<string> args, string? workingDirectory, TimeSpan timeout, string? input = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {timeout.TotalSeconds:F0} s");
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
