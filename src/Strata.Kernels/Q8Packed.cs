// Q8_0 weights repacked once at load for the 8-bit-activation kernels: no per-call weight preparation.
using Strata.Substrate;

namespace Strata.Kernels;

/// <summary>
/// Owns a copy of one Q8_0 matrix in the layout of <see cref="Q8Gemm512.Pack"/> (interleaved quants, f32 scales),
/// 72 bytes per 64 weights against the raw 68. <see cref="MatMulQ8"/> takes it through <see cref="WeightMatrix.Packed"/>:
/// the batched product then no longer shuffles every weight tile row on every call (a quarter of a 16-row decode pass
/// on SmolLM-135M), and one-row decode takes the tile's arithmetic at no extra cost, so a row's result never depends on
/// the rows beside it.
/// </summary>
public sealed unsafe class Q8Packed : IDisposable
{
    private readonly NativeBuffer _buffer;

    private Q8Packed(NativeBuffer buffer) => _buffer = buffer;

    /// <summary>True where <paramref name="w"/> can be packed: Q8_0, an even number of blocks per row, AVX-512.</summary>
    public static bool Applies(in WeightMatrix w) => w.Type == GgmlType.Q8_0 && w.Data != 0 && w.Rows > 0 && Q8Gemm512.Applies(w.Cols);

    /// <summary>Bytes the packed copy of <paramref name="w"/> takes.</summary>
    public static long SizeOf(in WeightMatrix w) => Q8Gemm512.PackedBytes(w.Rows, w.Cols);

    /// <summary>Packs <paramref name="w"/> over the pool, or returns null where it does not apply.</summary>
    public static Q8Packed? TryPack(WorkerPool pool, in WeightMatrix w)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (!Applies(in w))
        {
            return null;
        }

        var buffer = new NativeBuffer(SizeOf(in w), zeroed: false);
        var job = new PackJob
        {
            Raw = (byte*)w.Data,
            RowBytes = (nint)GgmlTypeInfo.RowBytes(w.Type, w.Cols),
            Rows = w.Rows,
            Cols = w.Cols,
            ChunkRows = 64,
            Dst = (byte*)buffer.Address,
        };
        pool.Run(in job, (w.Rows + 63) / 64);
        return new Q8Packed(buffer);
    }

    /// <summary>Address of the packed copy.</summary>
    public nint Address => _buffer.Address;

    /// <summary>Size in bytes.</summary>
    public long Bytes => _buffer.Bytes;

    /// <inheritdoc/>
    public void Dispose() => _buffer.Dispose();

    private struct PackJob : IParallelJob
    {
        public byte* Raw;
        public nint RowBytes;
        public int Rows;
        public int Cols;
        public int ChunkRows;
        public byte* Dst;

        public readonly void Execute(int index, int count) =>
            Q8Gemm512.Pack(Raw, RowBytes, Rows, Cols, index * ChunkRows, Math.Min(Rows, (index + 1) * ChunkRows), Dst);
    }
}
