// A model named the hub's way: owner/repo, optionally one file in it (:FILE) and a revision (@REV).
using System.Diagnostics.CodeAnalysis;

namespace Strata.Engine.Store;

/// <summary>A parsed <c>owner/repo[:file][@revision]</c>.</summary>
/// <param name="Owner">The repository's owner (user or organisation).</param>
/// <param name="Name">The repository's name.</param>
/// <param name="File">One file in the repository, or null to let the store choose.</param>
/// <param name="Revision">A branch, tag or commit, or null for the default branch (pull) or any revision (cache).</param>
public sealed record ModelReference(string Owner, string Name, string? File, string? Revision)
{
    /// <summary>The repository id as the hub spells it: <c>owner/repo</c>.</summary>
    public string Repo => $"{Owner}/{Name}";

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ModelStoreException">The text is not <c>owner/repo[:file][@revision]</c>.</exception>
    public static ModelReference Parse(string text) =>
        TryParse(text, out var reference)
            ? reference
            : throw new ModelStoreException($"model reference '{text}' is not owner/repo[:file][@revision] (letters, digits, '-', '_', '.' in owner and repo)");

    /// <summary>Parses <paramref name="text"/>, or returns false when it is not <c>owner/repo[:file][@revision]</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string rest = text;
        string? revision = null;
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            revision = rest[(at + 1)..];
            rest = rest[..at];
            if (revision.Length == 0 || !IsSegment(revision, allowSlash: true))
            {
                return false;
            }
        }

        string? file = null;
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            file = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!IsFile(file))
            {
                return false;
            }
        }

        string[] parts = rest.Split('/');
        if (parts.Length != 2 || !IsSegment(parts[0], allowSlash: false) || !IsSegment(parts[1], allowSlash: false))
        {
            return false;
        }

        reference = new ModelReference(parts[0], parts[1], file, revision);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Repo + (File is null ? "" : ":" + File) + (Revision is null ? "" : "@" + Revision);

    private static bool IsSegment(string segment, bool allowSlash)
    {
        if (segment.Length == 0 || segment is "." or "..")
        {
            return false;
        }

        foreach (char c in segment)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (allowSlash && c == '/')))
            {
                return false;
            }
        }

        return true;
    }

    // A file inside the repository: relative, no '..' segment, no backslash, so it cannot leave the cache folder.
    private static bool IsFile(string file) =>
        file.Length > 0 && !file.StartsWith('/') && !file.Contains('\\', StringComparison.Ordinal)
        && Array.TrueForAll(file.Split('/'), s => s.Length > 0 && s is not "." and not "..");
}
