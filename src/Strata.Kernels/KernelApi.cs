// API CONTRACT STUB — the kernels helper replaces this file with real implementations split into
// one type per file, keeping every public signature below unchanged.
namespace Strata.Kernels;

/// <summary>A row-major weight matrix living in mapped or pinned memory: rows × cols elements of one type.</summary>
/// <remarks>Each row is <see cref="GgmlTypeInfo.RowBytes"/>(Type, Cols) bytes; rows are contiguous.</remarks>
public readonly record struct WeightMatrix(GgmlType Type, nint Data, int Rows, int Cols);

/// <summary>Shape of one attention call over a paged KV cache.</summary>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads (GQA: Heads is a multiple of KvHeads)</param>
/// <param name="HeadDim">elements per head</param>
/// <param name="BlockTokens">token rows per KV block</param>
/// <param name="Scale">score scale, usually 1/sqrt(HeadDim)</param>
public readonly record struct AttentionShape(int Heads, int KvHeads, int HeadDim, int BlockTokens, float Scale);

/// <summary>RoPE pairing: adjacent pairs (llama, NORM) or halves (NeoX).</summary>
public enum RopeMode
{
    /// <summary>Rotate (x[2i], x[2i+1]) — ggml mode 0, llama.</summary>
    Normal = 0,
    /// <summary>Rotate (x[i], x[i + n/2]) — ggml mode 2, NeoX / qwen2.</summary>
    NeoX = 2,
}

/// <summary>A unit of parallel work: the pool calls Execute(i, count) for i in [0, count).</summary>
public interface IParallelJob
{
    /// <summary>Runs part <paramref name="index"/> of <paramref name="count"/>.</summary>
    void Execute(int index, int count);
}

/// <summary>Fixed pool of worker threads; the calling thread takes part. Run blocks until every part is done.</summary>
public sealed class WorkerPool : IDisposable
{
    /// <summary>Starts threadCount - 1 workers (the caller is the last).</summary>
    public WorkerPool(int threadCount) => ThreadCount = threadCount;
    /// <summary>Total threads including the caller.</summary>
    public int ThreadCount { get; }
    /// <summary>Runs job.Execute(i, count) for every i, split across threads; allocates nothing.</summary>
    public void Run<TJob>(in TJob job, int count) where TJob : struct, IParallelJob => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Dispose() { }
}

/// <summary>Block geometry of every type.</summary>
public static class GgmlTypeInfo
{
    /// <summary>Elements per block (1 for plain types, 32 for Q4_0…Q8_1, 256 for K-quants).</summary>
    public static int BlockElements(GgmlType type) => throw new NotImplementedException();
    /// <summary>Bytes per block.</summary>
    public static int BlockBytes(GgmlType type) => throw new NotImplementedException();
    /// <summary>Bytes for a row of <paramref name="elements"/> (must be a block multiple).</summary>
    public static long RowBytes(GgmlType type, long elements) => throw new NotImplementedException();
    /// <summary>True when the type's layout is known (the reader can size it).</summary>
    public static bool IsKnown(GgmlType type) => throw new NotImplementedException();
    /// <summary>True when Dequantize/Dot/MatMul support the type.</summary>
    public static bool IsComputable(GgmlType type) => throw new NotImplementedException();
}

/// <summary>Per-type row kernels.</summary>
public static class Quant
{
    /// <summary>Dequantizes one row of dst.Length elements.</summary>
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> src, Span<float> dst) => throw new NotImplementedException();
    /// <summary>Dot product of one quantized row with f32 activations x (x.Length elements).</summary>
    public static float Dot(GgmlType type, ReadOnlySpan<byte> row, ReadOnlySpan<float> x) => throw new NotImplementedException();
}

/// <summary>Matrix products against weights: y[n, rows] = x[n, cols] · Wᵀ.</summary>
public static class MatMul
{
    /// <summary>n activation rows; n = 1 is matrix-vector. Parallel over the pool.</summary>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y) => throw new NotImplementedException();
}

/// <summary>Element-wise and reduction ops on f32.</summary>
public static class VectorOps
{
    /// <summary>y = x · weight / sqrt(mean(x²) + eps).</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y) => throw new NotImplementedException();
    /// <summary>In-place softmax.</summary>
    public static void Softmax(Span<float> x) => throw new NotImplementedException();
    /// <summary>y = silu(gate) · up.</summary>
    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y) => throw new NotImplementedException();
    /// <summary>y += x.</summary>
    public static void Add(Span<float> y, ReadOnlySpan<float> x) => throw new NotImplementedException();
    /// <summary>Index of the largest element (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> x) => throw new NotImplementedException();
}

/// <summary>Rotary position embedding.</summary>
public static class Rope
{
    /// <summary>Rotates each of <paramref name="heads"/> heads of x ([heads, headDim]) at <paramref name="position"/>.</summary>
    /// <param name="x">[heads, headDim], rotated in place</param>
    /// <param name="heads">number of heads</param>
    /// <param name="headDim">elements per head</param>
    /// <param name="rotaryDims">leading dims of each head that rotate (≤ headDim, even)</param>
    /// <param name="position">token position</param>
    /// <param name="thetaBase">frequency base (10000 for llama)</param>
    /// <param name="mode">pairing</param>
    public static void Apply(Span<float> x, int heads, int headDim, int rotaryDims, int position, float thetaBase, RopeMode mode) => throw new NotImplementedException();
}

/// <summary>Scaled dot-product attention of one query position over a paged f32 KV cache.</summary>
public static class Attention
{
    /// <summary>
    /// q: [Heads, HeadDim]; output: [Heads, HeadDim]. keyBlocks/valueBlocks: addresses of this layer's KV blocks, each
    /// BlockTokens rows of [KvHeads, HeadDim] f32. Positions 0..tokenCount-1 are visible. scores: scratch ≥ Heads·tokenCount.
    /// Query head h reads KV head h / (Heads / KvHeads). Parallel over heads.
    /// </summary>
    public static void Run(WorkerPool pool, in AttentionShape shape, ReadOnlySpan<float> q, ReadOnlySpan<nint> keyBlocks,
        ReadOnlySpan<nint> valueBlocks, int tokenCount, Span<float> scores, Span<float> output) => throw new NotImplementedException();
}

/// <summary>Which instruction set the kernels dispatch to on this process, for evidence.</summary>
public static class KernelIsa
{
    /// <summary>"avx512", "avx2" or "scalar" — the widest path enabled (honours DOTNET_EnableAVX512F=0 etc.).</summary>
    public static string Active => throw new NotImplementedException();
}
