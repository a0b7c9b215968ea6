// The small JSON record kept beside each cached model file: where it came from and the hash it was verified against.
namespace Strata.Engine.Store;

/// <summary>A model in the cache.</summary>
/// <param name="Repo">The hub repository, <c>owner/repo</c>.</param>
/// <param name="File">The file's path in the repository.</param>
/// <param name="Revision">The commit the file was downloaded at.</param>
/// <param name="Sha256">The lower-case hex SHA-256 the file was verified against.</param>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="PulledAt">When the download completed.</param>
/// <param name="Path">The cached file's full path.</param>
public sealed record ModelManifest(string Repo, string File, string Revision, string Sha256, long SizeBytes, DateTimeOffset PulledAt, string Path)
{
    /// <summary>The name commands accept for this model: <c>owner/repo:file</c>.</summary>
    public string Name => $"{Repo}:{File}";
}
