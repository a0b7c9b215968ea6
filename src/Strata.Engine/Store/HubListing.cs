// What GET /api/models/{repo}?blobs=true says of a repository: its commit and its files.
namespace Strata.Engine.Store;

/// <summary>A repository at one commit, as the hub lists it.</summary>
/// <param name="Repo">The repository id, <c>owner/repo</c>.</param>
/// <param name="CommitSha">The commit the listing describes (<c>sha</c>); files are downloaded at this commit.</param>
/// <param name="Files">The repository's files (<c>siblings</c>).</param>
public sealed record HubListing(string Repo, string CommitSha, IReadOnlyList<HubFile> Files);
