// Evidence from the compiler layer: what executable was built and how.
namespace Strata.Evidence;

/// <summary>The compiled executable: identity, passes and memory plan.</summary>
public sealed record CompilerSection
{
    /// <summary>Content hash of the compiled executable (hex).</summary>
    public required string ExecutableHash { get; init; }

    /// <summary>Passes run, in order, with their log lines.</summary>
    public required IReadOnlyList<CompilerPass> Passes { get; init; }

    /// <summary>Size of the planned activation buffer arena in bytes.</summary>
    public required long BufferArenaBytes { get; init; }
}
