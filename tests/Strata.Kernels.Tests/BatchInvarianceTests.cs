// Batch invariance by construction: with batchInvariant a row's product is bit-identical alone and in any batch, for
// every weight type, exact and 8-bit-activation numerics, decode (n = 1) and the fused decode of Q/K/V included.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public unsafe class BatchInvarianceTests
{
    private static readonly int[] BatchSizes = [2, 3, 4, 5, 7, 8, 9, 16, 17, 45];

    public static TheoryData<GgmlType, int, int> ExactCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in TestData.Computable)
        {
            // 75 rows: 4-row tiles and 3 rows after them; 1280 columns: two 512-column chunks and a partial one.
            d.Add(t, 1280, 2);
            d.Add(t, 1280, 1);
        }

        // A width with a scalar tail (not a multiple of 16): f32 and f16 rows may have any length.
        d.Add(GgmlType.F32, 1283, 2);
        d.Add(GgmlType.F16, 1283, 1);
        return d;
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void ExactProducts_BatchInvariant_EachRowEqualsItsProductAloneBitForBit(GgmlType type, int cols, int threads)
    {
        const int rows = 75, maxN = 45;
        var rng = new Random(3 + (int)type + cols);
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, maxN * cols);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, rows, cols);
            var alone = new float[maxN * rows];
            for (int j = 0; j < maxN; j++)
            {
                MatMul.Run(pool, m, x.AsSpan(j * cols, cols), 1, alone.AsSpan(j * rows, rows), batchInvariant: true);
            }

            foreach (int n in BatchSizes)
            {
                // Rows from an offset, so a row meets other neighbours and other places in the 4 × 4 tiles.
                int first = n % 3;
                var y = new float[n * rows];
                MatMul.Run(pool, m, x.AsSpan(first * cols, n * cols), n, y, batchInvariant: true);
                AssertSameBits(alone.AsSpan(first * rows, n * rows), y, $"{type} exact n={n} threads={threads}");
            }
        }
    }

    public static TheoryData<GgmlType, int> QuantizedCases()
    {
        var d = new TheoryData<GgmlType, int>();
        foreach (GgmlType t in new[] { GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K })
        {
            d.Add(t, 2);
            d.Add(t, 1);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(QuantizedCases))]
    public void QuantizedActivationProducts_BatchInvariant_EachRowEqualsItsProductAloneBitForBit(GgmlType type, int threads)
    {
        const int rows = 75, cols = 1280, maxN = 45;
        var rng = new Random(7 + (int)type);
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, maxN * cols);
        int xRow = (int)ActivationQuant.RowBytes(type, cols);
        var xq = new byte[maxN * xRow];
        ActivationQuant.QuantizeRows(type, x, maxN, cols, xq);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, rows, cols);
            var alone = new float[maxN * rows];
            for (int j = 0; j < maxN; j++)
            {
                MatMulQ8.Run(pool, m, xq.AsSpan(j * xRow, xRow), 1, alone.AsSpan(j * rows, rows), batchInvariant: true);
            }

            foreach (int n in BatchSizes)
            {
                int first = n % 3;
                var y = new float[n * rows];
                MatMulQ8.Run(pool, m, xq.AsSpan(first * xRow, n * xRow), n, y, batchInvariant: true);
                AssertSameBits(alone.AsSpan(first * rows, n * rows), y, $"{type} quantized n={n} threads={threads}");
            }

            // The fused decode of two matrices over one row (Q/K/V, gate/up) takes the same arithmetic.
            var y0 = new float[rows];
            var y1 = new float[rows];
            fixed (float* p0 = y0)
            fixed (float* p1 = y1)
            {
                MatMulQ8.RunDecode(pool, [m, m], xq.AsSpan(5 * xRow, xRow), [(nint)p0, (nint)p1], batchInvariant: true);
            }

            AssertSameBits(alone.AsSpan(5 * rows, rows), y0, $"{type} fused decode, first matrix");
            AssertSameBits(alone.AsSpan(5 * rows, rows), y1, $"{type} fused decode, second matrix");
        }
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: result {i} is {actual[i]:R} in the batch and {expected[i]:R} alone");
            }
        }
    }
}
