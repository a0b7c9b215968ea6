// The run-time assembled VNNI kernels over Q4_0/Q5_0 nibble panels: bit for bit against the scalar reference of their
// arithmetic (Q8_0-widened blocks), for every row count, so a row's result never depends on the batch.
using Strata.Substrate;

namespace Strata.Kernels.Tests;

public sealed unsafe class Q4VnniTests
{
    public static TheoryData<GgmlType, int, int> Cases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in new[] { GgmlType.Q4_0, GgmlType.Q5_0 })
        {
            d.Add(t, 576, 2);  // SmolLM-135M's width; 75 rows: two whole panels and a partial one
            d.Add(t, 1280, 1);
            d.Add(t, 32, 2);   // one block
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackedProduct_EveryRowCount_EqualsTheReferenceBitForBit(GgmlType type, int cols, int threads)
    {
        if (!Q4Vnni.Supported)
        {
            Assert.False(Q8Packed.Applies(new WeightMatrix(type, 1, 75, cols), Q8Layout.Vnni));
            return;
        }

        const int rows = 75, maxN = 13;
        var rng = new Random(cols + (int)type);
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, maxN * cols);
        int xRow = (int)ActivationQuant.RowBytes(type, cols);
        var xq = new byte[maxN * xRow];
        ActivationQuant.QuantizeRows(type, x, maxN, cols, xq);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        fixed (byte* px = xq)
        {
            var raw = new WeightMatrix(type, (nint)pw, rows, cols);
            using Q8Packed packed = Q8Packed.TryPack(pool, in raw, Q8Layout.Vnni)!;
            Assert.Equal(Q4Vnni.PackedBytes(type, rows, cols), packed.Bytes);
            Assert.True(packed.Bytes <= GgmlTypeInfo.RowBytes(type, cols) * 96, "the panels hold the raw size (a partial panel padded)");
            var m = raw with { Packed = packed.Address, PackedLayout = Q8Layout.Vnni };

            // The reference of every output, from the file's blocks and the prepared activation rows.
            int xpRow = Q8Vnni.RowBytes(cols);
            byte* xp = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(maxN * xpRow));
            var expected = new float[maxN * rows];
            try
            {
                Q8Vnni.Prepare(px, xRow, maxN, cols, xp, Q4Vnni.Offset(type));
                long wRow = GgmlTypeInfo.RowBytes(type, cols);
                for (int j = 0; j < maxN; j++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        expected[(j * rows) + r] = Q4Vnni.Reference(type, pw + (r * wRow), xp + (j * xpRow), cols);
                    }
                }
            }
            finally
            {
                System.Runtime.InteropServices.NativeMemory.Free(xp);
            }

            // Every batch size from every offset up to the kernels' row blocks and past them: the same bits.
            foreach (int n in new[] { 1, 2, 5, 6, 11, 13 })
            {
                int first = n == maxN ? 0 : (n % 3);
                var y = new float[n * rows];
                MatMulInt8.Run(pool, m, xq.AsSpan(first * xRow, n * xRow), n, y, batchInvariant: true);
                for (int i = 0; i < y.Length; i++)
                {
                    float e = expected[(first * rows) + i];
                    Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(y[i]),
                        $"{type} cols={cols} n={n} row {i / rows} out {i % rows}: expected {e:R}, got {y[i]:R}");
                }
            }

            // Within the integer dots' rounding of the f32 reference (the levels are exact Q8_0 values).
            var yAll = new float[rows];
            MatMulInt8.Run(pool, m, xq.AsSpan(0, xRow), 1, yAll);
            for (int r = 0; r < rows; r++)
            {
                double dot = IntDotReference.Dot(type, w.AsSpan((int)(r * GgmlTypeInfo.RowBytes(type, cols)), (int)GgmlTypeInfo.RowBytes(type, cols)), xq.AsSpan(0, xRow), cols);
                Assert.True(Math.Abs(dot - yAll[r]) <= 1e-4 * (1 + Math.Abs(dot)), $"{type} row {r}: {yAll[r]} against the integer reference {dot}");
            }
        }
    }

    [Fact]
    public void Plan_PacksQ4AndQ5IntoNibblePanelsWhereVnniRuns()
    {
        Q8Layout? expected = Q4Vnni.Supported ? Q8Layout.Vnni : null;
        Assert.Equal(expected, MatMulPlan.Packing(GgmlType.Q4_0, 576, batchInvariant: false, vnni: true));
        Assert.Equal(expected, MatMulPlan.Packing(GgmlType.Q5_0, 2048, batchInvariant: true, vnni: true));
        Assert.Null(MatMulPlan.Packing(GgmlType.Q5_0, 2048, batchInvariant: true, vnni: false));
        Assert.Equal(MatMulKernel.VnniPanels, MatMulPlan.Quantized(GgmlType.Q4_0, 576, 1, false, Q8Layout.Vnni, avx512: true));
    }
}
