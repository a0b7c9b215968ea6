// One file of a hub repository as the listing describes it.
namespace Strata.Engine.Store;

/// <summary>A file in a hub repository: its path, its size and the SHA-256 the hub holds for it (the LFS oid).</summary>
/// <param name="Path">The file's path inside the repository (<c>rfilename</c>).</param>
/// <param name="SizeBytes">The file's size, or null when the hub does not say.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of the content, or null for a file not stored in LFS.</param>
public sealed record HubFile(string Path, long? SizeBytes, string? Sha256);
