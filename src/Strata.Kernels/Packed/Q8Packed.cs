// Q8_0 weights repacked once at load for the 8-bit-activation kernels: no per-call weight preparation.
using Strata.Substrate;

namespace Strata.Kernels;

/// <summary>
/// Owns a copy of one Q8_0 matrix in the layout of <see cref="Q8Tile512.Pack"/> (interleaved quants, f32 scales),
/// 72 bytes per 64 weights against the raw 68. <see cref="MatMulInt8"/> takes it through <see cref="WeightMatrix.Packed"/>:
/// the batched product then no longer shuffles every weight tile row on every call (a quarter of a 16-row decode pass
/// on SmolLM-135M), and one-row decode takes the tile's arithmetic at no extra cost, so a row's result never depends on
/// the rows beside it. Where the CPU has AVX-512 VNNI (<see cref="Q8Vnni.Supported"/>) the copy takes
/// <see cref="Q8Vnni"/>'s panel layout instead (1088 bytes per 32 rows × 32 weights, the raw size), read by its micro-kernels.
/// </summary>
public sealed unsafe class Q8Packed : IDisposable
{
    private readonly NativeBuffer _buffer;

    private Q8Packed(NativeBuffer buffer, Q8Layout layout)
    {
        _buffer = buffer;
        Layout = layout;
    }

    /// <summary>
    /// True where <paramref name="w"/> can be packed into <paramref name="layout"/> (null: the layout this CPU reads
    /// fastest, <see cref="LayoutOf"/>): Q8_0, and VNNI with whole blocks, or AVX-512 with an even number of blocks per row.
    /// </summary>
    public static bool Applies(in WeightMatrix w, Q8Layout? layout = null) =>
        w.Data != 0 && w.Rows > 0 && (layout ?? LayoutOf(in w)) switch
        {
            Q8Layout.Vnni => VnniPanels.Applies(w.Type, w.Cols),
            _ => w.Type == GgmlType.Q8_0 && Q8Tile512.Applies(w.Cols),
        };

    /// <summary>The layout <paramref name="w"/> is packed into by default: <see cref="Q8Layout.Vnni"/> where the CPU runs it.</summary>
    public static Q8Layout LayoutOf(in WeightMatrix w) => VnniPanels.Applies(w.Type, w.Cols) ? Q8Layout.Vnni : Q8Layout.Tile;

    /// <summary>Bytes the packed copy of <paramref name="w"/> takes in <paramref name="layout"/> (null: <see cref="LayoutOf"/>).</summary>
    public static long SizeOf(in WeightMatrix w, Q8Layout? layout = null) =>
        (layout ?? LayoutOf(in w)) != Q8Layout.Vnni ? Q8Tile512.PackedBytes(w.Rows, w.Cols)
        : VnniPanels.PackedBytes(w.Type, w.Rows, w.Cols);

    /// <summary>Packs <paramref name="w"/> over the pool into <paramref name="layout"/> (null: <see cref="LayoutOf"/>), or returns null where it does not apply.</summary>
    public static Q8Packed? TryPack(WorkerPool pool, in WeightMatrix w, Q8Layout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (!Applies(in w, layout))
        {
            return null;
        }

        Q8Layout chosen = layout ?? LayoutOf(in w);
        var buffer = new NativeBuffer(SizeOf(in w, chosen), zeroed: false, hugePages: true);
        var job = new PackJob
        {
            Type = w.Type,
            Layout = chosen,
            Raw = (byte*)w.Data,
            RowBytes = (nint)GgmlTypeInfo.RowBytes(w.Type, w.Cols),
            Rows = w.Rows,
            Cols = w.Cols,
            ChunkRows = 64,
            Dst = (byte*)buffer.Address,
        };
        pool.Run(in job, (w.Rows + 63) / 64);
        return new Q8Packed(buffer, chosen);
    }

    /// <summary>
    /// Writes row <paramref name="row"/> of <paramref name="w"/> in the file's layout to <paramref name="rawRow"/>
    /// (<see cref="GgmlTypeInfo.RowBytes"/> bytes) from its packed copy, where that copy is in <see cref="Q8Layout.Vnni"/>'s
    /// Q8_0 or Q6_K panels (which keep every byte where a row's can be found again cheaply); false otherwise. For a lookup
    /// table whose raw rows are no longer held.
    /// </summary>
    public static bool TryRawRow(in WeightMatrix w, int row, Span<byte> rawRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, w.Rows);
        if (!UnpacksRows(in w))
        {
            return false;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rawRow.Length, GgmlTypeInfo.RowBytes(w.Type, w.Cols), nameof(rawRow));
        fixed (byte* raw = rawRow)
        {
            if (w.Type == GgmlType.Q8_0)
            {
                Q8Vnni.UnpackRow((byte*)w.Packed, w.Cols, row, raw);
            }
            else
            {
                Q6KVnni.UnpackRow((byte*)w.Packed, w.Cols, row, raw);
            }
        }

        return true;
    }

    /// <summary>True where <paramref name="w"/>'s packed copy gives its raw rows back (<see cref="TryRawRow"/>): Q8_0 or Q6_K VNNI panels.</summary>
    public static bool UnpacksRows(in WeightMatrix w) =>
        w.Packed != 0 && w.PackedLayout == Q8Layout.Vnni && w.Type is GgmlType.Q8_0 or GgmlType.Q6_K;

    /// <summary>Address of the packed copy.</summary>
    public nint Address => _buffer.Address;

    /// <summary>The layout of the copy.</summary>
    public Q8Layout Layout { get; }

    /// <summary>Size in bytes.</summary>
    public long Bytes => _buffer.Bytes;

    /// <inheritdoc/>
    public void Dispose() => _buffer.Dispose();

    private struct PackJob : IParallelJob
    {
        public GgmlType Type;
        public Q8Layout Layout;
        public byte* Raw;
        public nint RowBytes;
        public int Rows;
        public int Cols;
        public int ChunkRows;
        public byte* Dst;

        public readonly void Execute(int index, int count)
        {
            if (Layout == Q8Layout.Vnni)
            {
                // 64 rows a part: two panels.
                int p0 = index * ChunkRows / Q8Vnni.PanelRows;
                int p1 = Math.Min(Q8Vnni.Panels(Rows), p0 + (ChunkRows / Q8Vnni.PanelRows));
                VnniPanels.Pack(Type, Raw, RowBytes, Rows, Cols, p0, p1, Dst);
                return;
            }

            Q8Tile512.Pack(Raw, RowBytes, Rows, Cols, index * ChunkRows, Math.Min(Rows, (index + 1) * ChunkRows), Dst);
        }
    }
}
