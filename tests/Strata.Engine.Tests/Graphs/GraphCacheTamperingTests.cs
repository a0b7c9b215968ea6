// The on-disk graph cache on MiniLM: a compile writes the entry, the next reads it (same executable hash); one byte changed in
// the entry's constants or in its JSON is rejected with the reason, the model is compiled again to the same hash, and the
// entry is rewritten so that the compile after that reads it again.
using System.Buffers.Binary;
using Strata.Compiler;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Caching;
using Strata.Compiler.Graphs.Lowering;
using Strata.Engine.Embeddings;
using Strata.Engine.Tests.Embeddings;

namespace Strata.Engine.Tests.Graphs;

public sealed class GraphCacheTamperingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-graph-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static GraphCompileOptions Options { get; } =
        new(CompiledSentenceEncoder.Bounds(512), string.Empty, Kernels.KernelIsa.Active, AllowFallback: false, ["last_hidden_state"]);

    [Theory]
    [InlineData("blob")]
    [InlineData("json")]
    public void Compile_EntryWithOneByteChanged_RejectedRecompiledToTheSameHashAndRewritten(string region)
    {
        var cache = new ExecutableCache(_directory);
        var (firstHash, firstFromCache, _) = Compile(cache);
        string entry = Assert.Single(Directory.GetFiles(_directory, "*.sgx"));
        var (hitHash, hitFromCache, _) = Compile(cache);
        Assert.False(firstFromCache);
        Assert.True(hitFromCache);
        Assert.Equal(firstHash, hitHash);

        FlipOneByte(entry, region);
        var (rejectedHash, rejectedFromCache, log) = Compile(cache);

        Assert.False(rejectedFromCache);
        Assert.Equal(firstHash, rejectedHash);
        Assert.Contains(log, e => e.Pass == "cache" && e.Message.Contains("rejected", StringComparison.Ordinal)
            && e.Message.Contains("payload sha256 differs", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Pass == "cache" && e.Message.StartsWith("stored ", StringComparison.Ordinal));
        var (againHash, againFromCache, _) = Compile(cache);
        Assert.True(againFromCache);
        Assert.Equal(firstHash, againHash);
    }

    private static (string Hash, bool FromCache, IReadOnlyList<CompileLogEntry> Log) Compile(ExecutableCache cache)
    {
        using var executable = GraphCompiler.Compile(MiniLmGolden.ModelPath, Options, cache);
        return (executable.ContentHash, executable.FromCache, executable.Log.Entries);
    }

    // Layout (GraphFile): header (magic, version, JSON length at byte 16, payload sha256), JSON, 64-byte aligned blobs.
    private static void FlipOneByte(string path, string region)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long jsonLength = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        long blobStart = GraphFile.Align(GraphFile.HeaderBytes + jsonLength);
        long at = region == "blob" ? blobStart + (bytes.Length - blobStart) / 2 : GraphFile.HeaderBytes + jsonLength / 2;
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }
}
