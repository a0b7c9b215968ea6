// Finds ../shared/models (beside the repository) from a test's output folder; STRATA_SHARED overrides.
namespace Strata.Compiler.Tests;

/// <summary>Paths of the read-only shared models and golden files.</summary>
internal static class SharedModels
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The shared/models folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>A file under shared/models.</summary>
    public static string File(string relative) => Path.Combine(Root.Value, relative);

    private static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("STRATA_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.Combine(fromEnvironment, "models");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "models"), Path.Combine(dir.FullName, "..", "shared", "models") })
            {
                if (System.IO.Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException($"shared/models not found above {AppContext.BaseDirectory}; set STRATA_SHARED");
    }
}
