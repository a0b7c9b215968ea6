// The run-time assembled VNNI kernels over Q4_K/Q5_K nibble panels: bit for bit against the scalar reference of their
// arithmetic and, for Q4_K, the K tiles' one-row kernel, for every kernel row count and every batch size, so a row's result
// never depends on the batch.
using System.Runtime.InteropServices;
using Strata.Substrate;

namespace Strata.Kernels.Tests;

public sealed unsafe class Q4KVnniTests
{
    public static TheoryData<GgmlType, int> Cases()
    {
        var d = new TheoryData<GgmlType, int>();
        foreach (GgmlType t in new[] { GgmlType.Q4_K, GgmlType.Q5_K })
        {
            d.Add(t, 256);   // one super-block
            d.Add(t, 2048);  // TinyLlama's width
            d.Add(t, 5632);  // TinyLlama's feed-forward width (down projection)
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernels_EveryRowCount_EqualTheReferenceBitForBit(GgmlType type, int cols)
    {
        if (!Q4KVnni.Supported)
        {
            Assert.False(Q4KVnni.Applies(type, cols));
            return;
        }

        const int rows = 75, n = 9;
        var rng = new Random(cols + (int)type);
        int nsb = cols / 256;
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, n * cols);
        int xRow = (int)ActivationQuant.RowBytes(type, cols);
        var xq = new byte[n * xRow];
        ActivationQuant.QuantizeRows(type, x, n, cols, xq);
        long wRow = GgmlTypeInfo.RowBytes(type, cols);
        int xpRow = Q4KVnni.RowBytes(cols);
        int tileRow = Q4KMatVec512.PreparedBytes(cols);
        long packedBytes = Q4KVnni.PackedBytes(type, rows, cols);
        Assert.Equal(Q8Vnni.Panels(rows) * 32 * wRow, packedBytes);
        byte* packed = (byte*)NativeMemory.AlignedAlloc((nuint)packedBytes, 64);
        byte* xp = (byte*)NativeMemory.Alloc((nuint)(n * xpRow));
        byte* xt = (byte*)NativeMemory.Alloc((nuint)tileRow);
        float* y = (float*)NativeMemory.Alloc((nuint)(Q4KVnni.MaxRows * 32 * sizeof(float)));
        try
        {
            fixed (byte* pw = w)
            fixed (byte* px = xq)
            {
                Q4KVnni.Pack(type, pw, (nint)wRow, rows, cols, 0, Q8Vnni.Panels(rows), packed);
                Q4KVnni.Prepare(px, xRow, n, cols, xp);
                var expected = new float[n * rows];
                for (int j = 0; j < n; j++)
                {
                    Q4KMatVec512.Prepare(px + (j * xRow), cols, xt);
                    for (int i = 0; i < rows; i++)
                    {
                        float reference = Q4KVnni.Reference(type, pw + (i * wRow), xp + (j * xpRow), cols);
                        if (type == GgmlType.Q4_K)
                        {
                            // The K tiles' arithmetic: the same bits as their one-row kernel.
                            float tile = Q4KMatVec512.DotTileRow(pw + (i * wRow), xt, nsb);
                            Assert.Equal(BitConverter.SingleToInt32Bits(tile), BitConverter.SingleToInt32Bits(reference));
                        }

                        expected[(j * rows) + i] = reference;
                    }
                }

                for (int k = 1; k <= Q4KVnni.MaxRows; k++)
                {
                    var kernel = Q4KVnni.Kernel(k, type == GgmlType.Q5_K);
                    for (int j0 = 0; j0 + k <= n; j0 += k)
                    {
                        for (int p = 0; p < Q8Vnni.Panels(rows); p++)
                        {
                            kernel(packed + ((long)p * nsb * Q4KVnni.BlockBytes(type)), xp + (j0 * xpRow), xpRow, nsb, y, 32 * sizeof(float));
                            for (int t = 0; t < k; t++)
                            {
                                for (int lane = 0; lane < 32 && (p * 32) + lane < rows; lane++)
                                {
                                    float e = expected[((j0 + t) * rows) + (p * 32) + lane];
                                    float got = y[(t * 32) + lane];
                                    Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(got),
                                        $"{type} cols={cols} kernel rows={k} act row {j0 + t} out {(p * 32) + lane}: expected {e:R}, got {got:R}");
                                }
                            }
                        }
                    }
                }

                // Within the integer dots' rounding of the scalar integer reference.
                for (int i = 0; i < rows; i++)
                {
                    double dot = IntDotReference.Dot(type, w.AsSpan((int)(i * wRow), (int)wRow), xq.AsSpan(0, xRow), cols);
                    Assert.True(Math.Abs(dot - expected[i]) <= 1e-4 * (1 + Math.Abs(dot)), $"row {i}: {expected[i]} against {dot}");
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
            NativeMemory.Free(xp);
            NativeMemory.Free(xt);
            NativeMemory.Free(y);
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 2048, 2)]
    [InlineData(GgmlType.Q4_K, 768, 1)]
    [InlineData(GgmlType.Q5_K, 1280, 2)]
    public void PackedProduct_EveryBatchSize_EqualsTheReferenceBitForBit(GgmlType type, int cols, int threads)
    {
        if (!Q4KVnni.Supported)
        {
            Assert.False(Q8Packed.Applies(new WeightMatrix(type, 1, 75, cols), Q8Layout.Vnni));
            return;
        }

        const int rows = 75, maxN = 13;
        var rng = new Random(cols + 7);
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, maxN * cols);
        int xRow = (int)ActivationQuant.RowBytes(type, cols);
        var xq = new byte[maxN * xRow];
        ActivationQuant.QuantizeRows(type, x, maxN, cols, xq);
        long wRow = GgmlTypeInfo.RowBytes(type, cols);
        using var pool = new WorkerPool(threads);
        byte* xt = (byte*)NativeMemory.Alloc((nuint)(Q4KVnni.RowBytes(cols) + Q4KMatVec512.PreparedBytes(cols)));
        try
        {
            fixed (byte* pw = w)
            fixed (byte* px = xq)
            {
                var raw = new WeightMatrix(type, (nint)pw, rows, cols);
                using Q8Packed packed = Q8Packed.TryPack(pool, in raw, Q8Layout.Vnni)!;
                Assert.Equal(Q8Layout.Vnni, Q8Packed.LayoutOf(in raw));
                Assert.Equal(Q4KVnni.PackedBytes(type, rows, cols), packed.Bytes);
                var m = raw with { Packed = packed.Address, PackedLayout = Q8Layout.Vnni };
                var expected = new float[maxN * rows];
                for (int j = 0; j < maxN; j++)
                {
                    byte* xv = xt + Q4KMatVec512.PreparedBytes(cols);
                    Q4KMatVec512.Prepare(px + (j * xRow), cols, xt);
                    Q4KVnni.Prepare(px + (j * xRow), xRow, 1, cols, xv);
                    for (int i = 0; i < rows; i++)
                    {
                        expected[(j * rows) + i] = type == GgmlType.Q4_K
                            ? Q4KMatVec512.DotTileRow(pw + (i * wRow), xt, cols / 256)
                            : Q4KVnni.Reference(type, pw + (i * wRow), xv, cols);
                    }
                }

                // Every batch size from several offsets, past the kernels' row blocks: the same bits as the tile's row kernel
                // (Q4_K) or the reference (Q5_K).
                foreach (int n in new[] { 1, 2, 3, 5, 6, 11, 13 })
                {
                    int first = n == maxN ? 0 : (n % 3);
                    var y = new float[n * rows];
                    MatMulInt8.Run(pool, m, xq.AsSpan(first * xRow, n * xRow), n, y);
                    for (int i = 0; i < y.Length; i++)
                    {
                        float e = expected[(first * rows) + i];
                        Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(y[i]),
                            $"{type} cols={cols} n={n} row {i / rows} out {i % rows}: expected {e:R}, got {y[i]:R}");
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(xt);
        }
    }

    [Fact]
    public void Plan_PacksQ4KAndQ5KIntoNibblePanelsWhereVnniRuns()
    {
        Q8Layout? expected = Q4KVnni.Supported ? Q8Layout.Vnni : null;
        Assert.Equal(expected, MatMulPlan.Packing(GgmlType.Q4_K, 2048, batchInvariant: false, vnni: true));
        Assert.Equal(expected, MatMulPlan.Packing(GgmlType.Q4_K, 5632, batchInvariant: true, vnni: true));
        Assert.Null(MatMulPlan.Packing(GgmlType.Q4_K, 2048, batchInvariant: true, vnni: false));
        Assert.Null(MatMulPlan.Packing(GgmlType.Q4_K, 576, batchInvariant: false, vnni: true)); // not whole super-blocks
        Assert.Equal(expected, MatMulPlan.Packing(GgmlType.Q5_K, 2048, batchInvariant: true, vnni: true));
        Assert.Equal(MatMulKernel.VnniPanels, MatMulPlan.Quantized(GgmlType.Q4_K, 2048, 1, false, Q8Layout.Vnni, avx512: true));
    }
}
