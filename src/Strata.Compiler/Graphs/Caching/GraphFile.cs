// The on-disk form of an optimised graph: a header, a JSON description of values, nodes and attributes, and the constants'
// bytes, 64-byte aligned so they can be read where they lie once the file is mapped.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Strata.Compiler.Graphs.Caching;

/// <summary>Writes and reads graph files. Layout: "STRATAGX", version, JSON length, payload sha256, JSON, blobs.</summary>
internal static class GraphFile
{
    public static readonly byte[] Magic = "STRATAGX"u8.ToArray();
    public const int Version = 1;
    public const int HeaderBytes = 8 + 4 + 4 + 8 + 32;
    private const int Alignment = 64;

    /// <summary>Writes <paramref name="graph"/> with <paramref name="meta"/> (key, hashes) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, OpGraph graph, IReadOnlyDictionary<string, string> meta)
    {
        var blobs = new List<TensorData>();
        var blobOffsets = new Dictionary<TensorData, long>(ReferenceEqualityComparer.Instance);
        long blobBytes = 0;
        void Blob(TensorData data)
        {
            if (!blobOffsets.ContainsKey(data))
            {
                blobOffsets[data] = blobBytes;
                blobs.Add(data);
                blobBytes += Align(data.ByteLength);
            }
        }

        foreach (var (_, data) in graph.Constants)
        {
            Blob(data);
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var (_, a) in node.Attributes.Values)
            {
                if (a.Tensor is { } t)
                {
                    Blob(t);
                }
            }
        }

        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            GraphJson.Write(w, graph, meta, blobOffsets);
        }

        long jsonLength = json.Length;
        long blobStart = Align(HeaderBytes + jsonLength);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(json.GetBuffer(), 0, (int)jsonLength);
        foreach (var data in blobs)
        {
            sha.AppendData(data.Bytes);
            sha.AppendData(new byte[Align(data.ByteLength) - data.ByteLength]);
        }

        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), jsonLength);
        sha.GetHashAndReset().CopyTo(header, 24);
        stream.Write(header);
        stream.Write(json.GetBuffer(), 0, (int)jsonLength);
        stream.Write(new byte[blobStart - HeaderBytes - jsonLength]);
        foreach (var data in blobs)
        {
            stream.Write(data.Bytes);
            stream.Write(new byte[Align(data.ByteLength) - data.ByteLength]);
        }
    }

    /// <summary>Checks the header and the payload hash of a mapped graph file; returns the JSON and where the blobs start.</summary>
    /// <exception cref="InvalidDataException">not a graph file, another version, truncated, or its bytes do not hash to the recorded sha256</exception>
    public static (JsonDocument Json, long BlobStart) Verify(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderBytes || !file[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a Strata graph file");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version != Version)
        {
            throw new InvalidDataException($"graph file version {version}; this build reads {Version}");
        }

        long jsonLength = BinaryPrimitives.ReadInt64LittleEndian(file[16..]);
        if (jsonLength <= 0 || HeaderBytes + jsonLength > file.Length)
        {
            throw new InvalidDataException($"graph file truncated: {file.Length} bytes, JSON of {jsonLength} declared");
        }

        long blobStart = Align(HeaderBytes + jsonLength);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(file.Slice(HeaderBytes, (int)jsonLength));
        if (blobStart < file.Length)
        {
            sha.AppendData(file[(int)blobStart..]);
        }

        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(file.Slice(24, 32)))
        {
            throw new InvalidDataException("payload sha256 differs from the one recorded: the entry was changed after it was written");
        }

        return (JsonDocument.Parse(file.Slice(HeaderBytes, (int)jsonLength).ToArray()), blobStart);
    }

    /// <summary>Rounds up to the blob alignment.</summary>
    public static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    /// <summary>sha256 of a graph's canonical text.</summary>
    public static string TextHash(OpGraph graph) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(graph.ToText())));
}
