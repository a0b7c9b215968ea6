// Locates the shared test-data folder (models, vocabularies) for tokenizer tests.
namespace Strata.Engine.Tests.Tokenizers;

/// <summary>
/// Finds "shared/models": $STRATA_SHARED if set, else the first ancestor of the test binaries that has a "shared/models"
/// child (the repository's parent holds shared/ beside the clone).
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> SharedRoot = new(FindShared);

    /// <summary>The shared folder (e.g. /work/shared).</summary>
    public static string Shared => SharedRoot.Value;

    /// <summary>shared/models.</summary>
    public static string Models => Path.Combine(Shared, "models");

    /// <summary>shared/models/vocab.</summary>
    public static string Vocab => Path.Combine(Models, "vocab");

    private static string FindShared()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("STRATA_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "models")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no 'shared/models' above {AppContext.BaseDirectory}; set STRATA_SHARED");
    }
}
