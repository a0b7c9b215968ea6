// The model cache on disk: $STRATA_HOME/models/{owner}/{repo}/{revision}/{file}, each file with a {file}.manifest.json beside it.
using System.Text.Json;

namespace Strata.Engine.Store;

/// <summary>Finds, lists, records and removes cached models under one root folder.</summary>
public sealed class ModelCache
{
    /// <summary>The suffix of a manifest file beside its model file.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>The suffix of a download in progress (resumed by the next pull).</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Opens (without creating) the cache under <paramref name="rootDirectory"/>.</summary>
    public ModelCache(string rootDirectory)
    {
        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    /// <summary>The cache's root (<c>STRATA_HOME</c>).</summary>
    public string RootDirectory { get; }

    /// <summary>The folder that holds the models.</summary>
    public string ModelsDirectory => Path.Combine(RootDirectory, "models");

    /// <summary>The default root: <paramref name="strataHome"/> when set, else <c>~/.cache/strata</c>.</summary>
    public static string DefaultRoot(string? strataHome) =>
        !string.IsNullOrEmpty(strataHome)
            ? strataHome
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "strata");

    /// <summary>Where the file <paramref name="file"/> of <paramref name="repo"/> at <paramref name="revision"/> lies once pulled.</summary>
    public string FilePath(string repo, string revision, string file) =>
        Path.Combine(ModelsDirectory, repo.Replace('/', Path.DirectorySeparatorChar), revision, file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Every cached model, ordered by name then revision.</summary>
    public IReadOnlyList<ModelManifest> List()
    {
        if (!Directory.Exists(ModelsDirectory))
        {
            return [];
        }

        var manifests = new List<ModelManifest>();
        foreach (string path in Directory.EnumerateFiles(ModelsDirectory, "*" + ManifestSuffix, SearchOption.AllDirectories))
        {
            manifests.Add(Read(path));
        }

        manifests.Sort((a, b) => string.CompareOrdinal(a.Name + "@" + a.Revision, b.Name + "@" + b.Revision));
        return manifests;
    }

    /// <summary>Finds the cached model <paramref name="reference"/> names; the newest pull wins among revisions.</summary>
    /// <exception cref="ModelStoreException">The reference names no file and the repository has several cached files.</exception>
    public bool TryFind(ModelReference reference, out ModelManifest manifest)
    {
        var matches = List().Where(m => string.Equals(m.Repo, reference.Repo, StringComparison.OrdinalIgnoreCase)
            && (reference.File is null || m.File == reference.File)
            && (reference.Revision is null || m.Revision.StartsWith(reference.Revision, StringComparison.OrdinalIgnoreCase))).ToList();
        var files = matches.Select(m => m.File).Distinct(StringComparer.Ordinal).ToList();
        if (files.Count > 1)
        {
            throw new ModelStoreException($"model '{reference}' matches several cached files ({string.Join(", ", files)}); name one as {reference.Repo}:FILE");
        }

        manifest = matches.OrderByDescending(m => m.PulledAt).FirstOrDefault()!;
        return manifest is not null;
    }

    /// <summary>Finds the cached model <paramref name="reference"/> names.</summary>
    /// <exception cref="ModelStoreException">No cached model matches, or several files do.</exception>
    public ModelManifest Find(ModelReference reference) =>
        TryFind(reference, out var manifest)
            ? manifest
            : throw new ModelStoreException($"model '{reference}' is not in the cache at {ModelsDirectory}; run 'strata pull {reference}' or 'strata models list'");

    /// <summary>Writes the manifest of a file already verified and moved to <see cref="ModelManifest.Path"/>.</summary>
    /// <exception cref="ArgumentException">The manifest's file is not inside this cache.</exception>
    public void Record(ModelManifest manifest)
    {
        if (!Path.GetFullPath(manifest.Path).StartsWith(ModelsDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"model file {manifest.Path} is not inside the cache's {ModelsDirectory}", nameof(manifest));
        }

        string path = manifest.Path + ManifestSuffix;
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("repo", manifest.Repo);
            json.WriteString("file", manifest.File);
            json.WriteString("revision", manifest.Revision);
            json.WriteString("sha256", manifest.Sha256);
            json.WriteNumber("size", manifest.SizeBytes);
            json.WriteString("pulled_at", manifest.PulledAt);
            json.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes the cached model <paramref name="reference"/> names (file, manifest, empty folders) and returns what it was.</summary>
    /// <exception cref="ModelStoreException">No cached model matches, or several files do.</exception>
    public ModelManifest Remove(ModelReference reference)
    {
        var manifest = Find(reference);
        File.Delete(manifest.Path);
        File.Delete(manifest.Path + ManifestSuffix);
        File.Delete(manifest.Path + PartialSuffix);
        for (var dir = Path.GetDirectoryName(manifest.Path); dir is not null && dir.Length > ModelsDirectory.Length; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.EnumerateFileSystemEntries(dir).Any())
            {
                break;
            }

            Directory.Delete(dir);
        }

        return manifest;
    }

    private static ModelManifest Read(string manifestPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var root = doc.RootElement;
            string file = manifestPath[..^ManifestSuffix.Length];
            return new ModelManifest(root.GetProperty("repo").GetString()!, root.GetProperty("file").GetString()!,
                root.GetProperty("revision").GetString()!, root.GetProperty("sha256").GetString()!, root.GetProperty("size").GetInt64(),
                root.GetProperty("pulled_at").GetDateTimeOffset(), file);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelStoreException($"cache manifest {manifestPath} is not valid ({e.Message}); delete it and pull the model again", e);
        }
    }
}
