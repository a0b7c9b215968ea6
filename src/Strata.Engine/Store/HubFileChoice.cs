// Which file of a repository a pull takes when the reference names none.
namespace Strata.Engine.Store;

/// <summary>The rule: the named file; else the repository's only .gguf; else its only Q4_K_M .gguf; else an error listing the .gguf files.</summary>
public static class HubFileChoice
{
    /// <summary>The quantization preferred among several GGUF files: a good size/quality balance and llama.cpp's usual default.</summary>
    public const string PreferredQuantization = "Q4_K_M";

    /// <summary>Chooses the file of <paramref name="listing"/> that <paramref name="requested"/> names, or one by the rule.</summary>
    /// <exception cref="ModelStoreException">The named file is absent, or no single .gguf file can be chosen.</exception>
    public static HubFile Choose(HubListing listing, string? requested)
    {
        if (requested is not null)
        {
            return listing.Files.FirstOrDefault(f => f.Path == requested)
                ?? throw new ModelStoreException($"'{listing.Repo}' at {listing.CommitSha} has no file '{requested}'; its files: {string.Join(", ", listing.Files.Select(f => f.Path))}");
        }

        var ggufs = listing.Files.Where(f => f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).ToList();
        if (ggufs.Count == 1)
        {
            return ggufs[0];
        }

        var preferred = ggufs.Where(f => f.Path.Contains(PreferredQuantization, StringComparison.OrdinalIgnoreCase)).ToList();
        if (preferred.Count == 1)
        {
            return preferred[0];
        }

        throw ggufs.Count == 0
            ? new ModelStoreException($"'{listing.Repo}' has no .gguf file; name one as {listing.Repo}:FILE")
            : new ModelStoreException($"'{listing.Repo}' has {ggufs.Count} .gguf files and no single {PreferredQuantization} one; name one as {listing.Repo}:FILE: {string.Join(", ", ggufs.Select(f => f.Path))}");
    }
}
