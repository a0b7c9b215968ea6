// The on-disk cache of optimised graphs: an entry is keyed by the model's identity, the compiler's version and the outputs
// asked for, and verified when read (payload sha256 and the graph text's sha256): a changed entry is rejected, never run.
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Strata.Substrate;

namespace Strata.Compiler.Graphs.Caching;

/// <summary>An optimised graph read from the cache, with the mapping its constants lie in (dispose after the executable).</summary>
/// <param name="Graph">the graph</param>
/// <param name="Mapping">the mapped entry</param>
public sealed record CachedGraph(OpGraph Graph, IDisposable Mapping);

/// <summary>A directory of graph files (*.sgx), one per key.</summary>
/// <param name="directory">where entries live (created on first store)</param>
public sealed class ExecutableCache(string directory)
{
    /// <summary>The cache directory.</summary>
    public string Directory => directory;

    /// <summary>The version of the compiler that writes entries; part of every key.</summary>
    public static string CompilerVersion { get; } =
        typeof(ExecutableCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    /// <summary>The key of a model (its content identity) compiled for <paramref name="outputs"/>.</summary>
    public static string KeyOf(string modelIdentity, IReadOnlyList<string>? outputs) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"strata graph cache v{GraphFile.Version}\ncompiler {CompilerVersion}\nmodel {modelIdentity}\noutputs {string.Join(',', outputs ?? [])}\n")));

    /// <summary>The path of the entry of <paramref name="key"/>.</summary>
    public string PathOf(string key) => Path.Combine(directory, key + ".sgx");

    /// <summary>Writes <paramref name="graph"/> under <paramref name="key"/> (atomically: a reader sees the old entry or the new one).</summary>
    public void Store(string key, OpGraph graph)
    {
        System.IO.Directory.CreateDirectory(directory);
        string path = PathOf(key);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            GraphFile.Write(stream, graph, new Dictionary<string, string>
            {
                ["key"] = key,
                ["graph_sha256"] = GraphFile.TextHash(graph),
                ["compiler"] = CompilerVersion,
            });
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads the entry of <paramref name="key"/>: null with <paramref name="rejection"/> null when there is none, null with the
    /// reason when it exists but fails verification (changed bytes, another key, a graph that does not hash to its record).
    /// </summary>
    public CachedGraph? TryLoad(string key, out string? rejection)
    {
        rejection = null;
        string path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        MappedFile? file = null;
        try
        {
            file = MappedFile.Open(path, FileLoad.Map);
            var bytes = file.Span(0, checked((int)file.LengthBytes));
            var (json, blobStart) = GraphFile.Verify(bytes);
            using (json)
            {
                var meta = json.RootElement.GetProperty("meta");
                if (meta.GetProperty("key").GetString() != key)
                {
                    throw new InvalidDataException("the entry records another key");
                }

                var graph = GraphJson.Read(json.RootElement, file.Address(blobStart, file.LengthBytes - blobStart), file.LengthBytes - blobStart, file);
                if (GraphFile.TextHash(graph) != meta.GetProperty("graph_sha256").GetString())
                {
                    throw new InvalidDataException("the graph read does not hash to the sha256 recorded");
                }

                return new CachedGraph(graph, file);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            file?.Dispose();
            rejection = $"cache entry {Path.GetFileName(path)} rejected: {e.Message}";
            return null;
        }
    }
}
