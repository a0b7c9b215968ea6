// One compiler pass that ran, with the log lines it wrote.
namespace Strata.Evidence;

/// <summary>A compiler pass and its log.</summary>
/// <param name="Name">pass name, e.g. "fuse_rmsnorm_matmul"</param>
/// <param name="LogLines">what the pass reported, in order</param>
public sealed record CompilerPass(string Name, IReadOnlyList<string> LogLines);
