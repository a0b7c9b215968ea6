// f32 matrix product for many activation rows (encoder batches, long prefills): weights pre-packed into panels of 16 rows,
// an outer-product micro-kernel of 6 activation rows × 16 outputs in 12 vector accumulators, blocked over k so a panel's
// block stays in L1 while the activation block stays in L2.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// y[rows, N] = x[rows, K] · Wᵀ (+ bias) over W [N, K] packed by <see cref="Pack"/>: panel p holds W[16p + j, k] at
/// p·K·16 + k·16 + j (rows past N are zero). Each output accumulates its products in k order with fused multiply-adds
/// (Vector256, 8 lanes: AVX2 and AVX-512 machines alike), then adds its bias once; the result does not depend on how rows
/// are split across threads.
/// </summary>
public static unsafe class PanelGemm
{
    /// <summary>Weight rows per panel.</summary>
    public const int PanelRows = 16;

    /// <summary>Activation rows per micro-tile.</summary>
    public const int TileRows = 6;

    /// <summary>Columns (k) per block: a panel block of 256 × 16 floats is 16 KiB (L1).</summary>
    public const int KBlock = 256;

    /// <summary>Activation rows per part (16 tiles): a 96 × 256 block of x is 96 KiB (L2).</summary>
    public const int RowBlock = TileRows * 16;

    /// <summary>Floats of the packed form of an [n, k] matrix.</summary>
    public static long PackedLength(int n, int k) => (long)((n + PanelRows - 1) / PanelRows) * PanelRows * k;

    /// <summary>Packs row-major W [n, k] into panels (a pinned array, 64-byte aligned data).</summary>
    public static float[] Pack(ReadOnlySpan<float> w, int n, int k)
    {
        if (w.Length < (long)n * k)
        {
            throw new ArgumentException($"PanelGemm.Pack: W holds {w.Length} floats, not {n} × {k}.", nameof(w));
        }

        var packed = GC.AllocateArray<float>(checked((int)PackedLength(n, k)), pinned: true);
        int panels = (n + PanelRows - 1) / PanelRows;
        for (int p = 0; p < panels; p++)
        {
            var panel = packed.AsSpan(p * PanelRows * k, PanelRows * k);
            for (int j = 0; j < PanelRows && (p * PanelRows) + j < n; j++)
            {
                var row = w.Slice(((p * PanelRows) + j) * k, k);
                for (int kk = 0; kk < k; kk++)
                {
                    panel[(kk * PanelRows) + j] = row[kk];
                }
            }
        }

        return packed;
    }

    /// <summary>y = x · Wᵀ (+ bias) for <paramref name="rows"/> rows, parallel over row blocks and panel groups.</summary>
    /// <param name="pool">workers</param>
    /// <param name="packed">W packed by <see cref="Pack"/> (pinned)</param>
    /// <param name="n">weight rows (outputs per row)</param>
    /// <param name="k">weight columns (inputs per row)</param>
    /// <param name="x">[rows, k]</param>
    /// <param name="rows">activation rows</param>
    /// <param name="y">[rows, n]; may not overlap x</param>
    /// <param name="bias">[n], or null</param>
    public static void Run(WorkerPool pool, float* packed, int n, int k, float* x, int rows, float* y, float* bias)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (rows <= 0 || n <= 0)
        {
            return;
        }

        int rowBlocks = (rows + RowBlock - 1) / RowBlock;
        int panels = (n + PanelRows - 1) / PanelRows;
        int panelGroups = Math.Min(panels, Math.Max(1, (4 * pool.ThreadCount) / rowBlocks));
        var job = new Job(packed, n, k, x, rows, y, bias, panels, panelGroups);
        pool.Run(in job, rowBlocks * panelGroups);
    }

    private readonly struct Job(float* packed, int n, int k, float* x, int rows, float* y, float* bias, int panels, int panelGroups) : IParallelJob
    {
        public void Execute(int index, int count)
        {
            int rowBlock = index / panelGroups, group = index % panelGroups;
            int r0 = rowBlock * RowBlock, r1 = Math.Min(rows, r0 + RowBlock);
            int p0 = (int)((long)panels * group / panelGroups), p1 = (int)((long)panels * (group + 1) / panelGroups);
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kc = Math.Min(KBlock, k - k0);
                bool first = k0 == 0, last = k0 + kc == k;
                for (int p = p0; p < p1; p++)
                {
                    float* panel = packed + ((long)p * PanelRows * k) + ((long)k0 * PanelRows);
                    int cols = Math.Min(PanelRows, n - (p * PanelRows));
                    float* panelBias = bias is null ? null : bias + (p * PanelRows);
                    for (int r = r0; r < r1; r += TileRows)
                    {
                        Tile(x + ((long)r * k) + k0, k, Math.Min(TileRows, r1 - r), panel, kc, y + ((long)r * n) + (p * PanelRows), n, cols, first,
                            last ? panelBias : null);
                    }
                }
            }
        }
    }

    private static void Tile(float* x, int ldx, int m, float* panel, int kc, float* y, int ldy, int cols, bool first, float* bias)
    {
        // Rows past m read row m − 1 again (it exists) and are not stored.
        float* acc = stackalloc float[TileRows * PanelRows];
        if (first)
        {
            new Span<float>(acc, TileRows * PanelRows).Clear();
        }
        else
        {
            Load(y, ldy, m, cols, acc);
        }

        Accumulate(x, ldx * Math.Min(1, m - 1), ldx * Math.Min(2, m - 1), ldx * Math.Min(3, m - 1), ldx * Math.Min(4, m - 1),
            ldx * Math.Min(5, m - 1), panel, kc, acc);
        for (int r = 0; r < m; r++)
        {
            float* dst = y + ((long)r * ldy);
            float* src = acc + (r * PanelRows);
            if (bias is not null)
            {
                for (int j = 0; j < cols; j++)
                {
                    dst[j] = src[j] + bias[j];
                }
            }
            else if (cols == PanelRows)
            {
                Vector256.Load(src).Store(dst);
                Vector256.Load(src + 8).Store(dst + 8);
            }
            else
            {
                new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(dst, cols));
            }
        }
    }

    // acc[r·16 + j] += Σ_k x[r·ldx + k] · panel[k·16 + j] for six rows: twelve accumulators that stay in registers (no branch,
    // no call and no stack buffer in the method, so the JIT keeps them enregistered through the loop).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Accumulate(float* x0, int o1, int o2, int o3, int o4, int o5, float* panel, int kc, float* acc)
    {
        float* x1 = x0 + o1, x2 = x0 + o2, x3 = x0 + o3, x4 = x0 + o4, x5 = x0 + o5;
        var c00 = Vector256.Load(acc);
        var c01 = Vector256.Load(acc + 8);
        var c10 = Vector256.Load(acc + 16);
        var c11 = Vector256.Load(acc + 24);
        var c20 = Vector256.Load(acc + 32);
        var c21 = Vector256.Load(acc + 40);
        var c30 = Vector256.Load(acc + 48);
        var c31 = Vector256.Load(acc + 56);
        var c40 = Vector256.Load(acc + 64);
        var c41 = Vector256.Load(acc + 72);
        var c50 = Vector256.Load(acc + 80);
        var c51 = Vector256.Load(acc + 88);
        // Two k per trip (a pointer walk, native-width index): fewer scalar instructions beside the twelve FMAs.
        float* pw = panel;
        nint kk = 0;
        Vector256<float> w0, w1, a;
        for (; kk + 1 < kc; kk += 2, pw += 2 * PanelRows)
        {
            w0 = Vector256.Load(pw);
            w1 = Vector256.Load(pw + 8);
            a = Vector256.Create(x0[kk]);
            c00 = Vector256.FusedMultiplyAdd(a, w0, c00);
            c01 = Vector256.FusedMultiplyAdd(a, w1, c01);
            a = Vector256.Create(x1[kk]);
            c10 = Vector256.FusedMultiplyAdd(a, w0, c10);
            c11 = Vector256.FusedMultiplyAdd(a, w1, c11);
            a = Vector256.Create(x2[kk]);
            c20 = Vector256.FusedMultiplyAdd(a, w0, c20);
            c21 = Vector256.FusedMultiplyAdd(a, w1, c21);
            a = Vector256.Create(x3[kk]);
            c30 = Vector256.FusedMultiplyAdd(a, w0, c30);
            c31 = Vector256.FusedMultiplyAdd(a, w1, c31);
            a = Vector256.Create(x4[kk]);
            c40 = Vector256.FusedMultiplyAdd(a, w0, c40);
            c41 = Vector256.FusedMultiplyAdd(a, w1, c41);
            a = Vector256.Create(x5[kk]);
            c50 = Vector256.FusedMultiplyAdd(a, w0, c50);
            c51 = Vector256.FusedMultiplyAdd(a, w1, c51);
            w0 = Vector256.Load(pw + 16);
            w1 = Vector256.Load(pw + 24);
            a = Vector256.Create(x0[kk + 1]);
            c00 = Vector256.FusedMultiplyAdd(a, w0, c00);
            c01 = Vector256.FusedMultiplyAdd(a, w1, c01);
            a = Vector256.Create(x1[kk + 1]);
            c10 = Vector256.FusedMultiplyAdd(a, w0, c10);
            c11 = Vector256.FusedMultiplyAdd(a, w1, c11);
            a = Vector256.Create(x2[kk + 1]);
            c20 = Vector256.FusedMultiplyAdd(a, w0, c20);
            c21 = Vector256.FusedMultiplyAdd(a, w1, c21);
            a = Vector256.Create(x3[kk + 1]);
            c30 = Vector256.FusedMultiplyAdd(a, w0, c30);
            c31 = Vector256.FusedMultiplyAdd(a, w1, c31);
            a = Vector256.Create(x4[kk + 1]);
            c40 = Vector256.FusedMultiplyAdd(a, w0, c40);
            c41 = Vector256.FusedMultiplyAdd(a, w1, c41);
            a = Vector256.Create(x5[kk + 1]);
            c50 = Vector256.FusedMultiplyAdd(a, w0, c50);
            c51 = Vector256.FusedMultiplyAdd(a, w1, c51);
        }

        if (kk < kc)
        {
            w0 = Vector256.Load(pw);
            w1 = Vector256.Load(pw + 8);
            a = Vector256.Create(x0[kk]);
            c00 = Vector256.FusedMultiplyAdd(a, w0, c00);
            c01 = Vector256.FusedMultiplyAdd(a, w1, c01);
            a = Vector256.Create(x1[kk]);
            c10 = Vector256.FusedMultiplyAdd(a, w0, c10);
            c11 = Vector256.FusedMultiplyAdd(a, w1, c11);
            a = Vector256.Create(x2[kk]);
            c20 = Vector256.FusedMultiplyAdd(a, w0, c20);
            c21 = Vector256.FusedMultiplyAdd(a, w1, c21);
            a = Vector256.Create(x3[kk]);
            c30 = Vector256.FusedMultiplyAdd(a, w0, c30);
            c31 = Vector256.FusedMultiplyAdd(a, w1, c31);
            a = Vector256.Create(x4[kk]);
            c40 = Vector256.FusedMultiplyAdd(a, w0, c40);
            c41 = Vector256.FusedMultiplyAdd(a, w1, c41);
            a = Vector256.Create(x5[kk]);
            c50 = Vector256.FusedMultiplyAdd(a, w0, c50);
            c51 = Vector256.FusedMultiplyAdd(a, w1, c51);
        }

        c00.Store(acc);
        c01.Store(acc + 8);
        c10.Store(acc + 16);
        c11.Store(acc + 24);
        c20.Store(acc + 32);
        c21.Store(acc + 40);
        c30.Store(acc + 48);
        c31.Store(acc + 56);
        c40.Store(acc + 64);
        c41.Store(acc + 72);
        c50.Store(acc + 80);
        c51.Store(acc + 88);
    }

    private static void Load(float* y, int ldy, int m, int cols, float* scratch)
    {
        new Span<float>(scratch, TileRows * PanelRows).Clear();
        for (int r = 0; r < m; r++)
        {
            new ReadOnlySpan<float>(y + ((long)r * ldy), cols).CopyTo(new Span<float>(scratch + (r * PanelRows), cols));
        }
    }
}
