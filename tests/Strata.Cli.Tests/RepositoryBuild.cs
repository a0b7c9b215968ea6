// Where this test run's build lives: the repository root above the test's output folder and its configuration, and a
// dotnet command run there; shared by the tests that pack the build.
namespace Strata.Cli.Tests;

internal static class RepositoryBuild
{
    /// <summary>The folder holding Strata.sln, above this test's output folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Strata.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>The configuration this test was built in (bin/CONFIG/net10.0/), so the same build's outputs are packed.</summary>
    public static string Configuration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>Runs `dotnet ARGS` in <paramref name="workingDirectory"/>.</summary>
    public static ProcessResult Dotnet(string workingDirectory, TimeSpan limit, params string[] args) =>
        StrataProcess.Exec("dotnet", args, workingDirectory, limit);
}
