// Batch invariance by construction: with batchInvariant a row's product is bit-identical alone and in any batch, for
// every weight type, exact and 8-bit-activation numerics, decode (n = 1) and the fused decode of Q/K/V included.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public unsafe class BatchInvarianceTests
{
    // 75 rows: 4-row tiles and 3 rows after them in each matrix, alone and in the fused decode alike.
    private const int Rows = 75, MaxN = 45;

    private static readonly int[] BatchSizes = [2, 3, 4, 5, 7, 8, 9, 16, 17, 45];

    public static TheoryData<GgmlType, int, int> ExactCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in TestData.Computable)
        {
            // 1280 columns: two chunks (640 + 640; 768 + 512 for K-quants), 16-block scale groups and scalar ones.
            d.Add(t, 1280, 2);
            d.Add(t, 1280, 1);
        }

        // A width with a scalar tail (not a multiple of 16): f32 and f16 rows may have any length.
        d.Add(GgmlType.F32, 1283, 2);
        d.Add(GgmlType.F16, 1283, 1);
        return d;
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 576, 576)]
    [InlineData(GgmlType.Q8_0, 1536, 768)]
    [InlineData(GgmlType.Q8_0, 1280, 640)]
    [InlineData(GgmlType.Q8_0, 5632, 704)]
    [InlineData(GgmlType.Q4_K, 2048, 768)]
    [InlineData(GgmlType.Q4_K, 5632, 768)]
    [InlineData(GgmlType.Q6_K, 256, 256)]
    [InlineData(GgmlType.F32, 1283, 656)]
    [InlineData(GgmlType.F16, 7, 7)]
    public void ChunkColumns_FewestEvenChunksOfWholeBlocks(GgmlType type, int cols, int expected)
    {
        int chunk = MatMulJob.ChunkColumns(type, cols);
        Assert.Equal(expected, chunk);
        Assert.True(chunk <= MatMulJob.MaxChunk && chunk <= cols && chunk % GgmlTypeInfo.BlockElements(type) == 0);
        Assert.Equal((cols + MatMulJob.MaxChunk - 1) / MatMulJob.MaxChunk, (cols + chunk - 1) / chunk);
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void ExactProducts_BatchInvariant_EachRowEqualsItsProductAloneBitForBit(GgmlType type, int cols, int threads)
    {
        var rng = new Random(3 + (int)type + cols);
        byte[] w = TestData.Row(type, Rows * cols, rng);
        float[] x = TestData.Floats(rng, MaxN * cols);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, Rows, cols);
            AssertInvariant(
                (first, n, y) => MatMul.Run(pool, m, x.AsSpan(first * cols, n * cols), n, y, batchInvariant: true),
                (row, y0, y1) => MatMul.RunDecode(pool, [m, m], x.AsSpan(row * cols, cols), [y0, y1], batchInvariant: true),
                $"{type} exact threads={threads}");
        }
    }

    public static TheoryData<GgmlType, int, int> QuantizedCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in new[] { GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K })
        {
            d.Add(t, 1280, 2);
            d.Add(t, 1280, 1);
        }

        // SmolLM-135M's width: 18 blocks, so the 4-block quads of the Q4_0/Q5_0 tiles end in a padded one.
        foreach (GgmlType t in new[] { GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0 })
        {
            d.Add(t, 576, 2);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(QuantizedCases))]
    public void QuantizedActivationProducts_BatchInvariant_EachRowEqualsItsProductAloneBitForBit(GgmlType type, int cols, int threads)
    {
        var rng = new Random(7 + (int)type);
        byte[] w = TestData.Row(type, Rows * cols, rng);
        float[] x = TestData.Floats(rng, MaxN * cols);
        int xRow = (int)ActivationQuant.RowBytes(type, cols);
        var xq = new byte[MaxN * xRow];
        ActivationQuant.QuantizeRows(type, x, MaxN, cols, xq);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, Rows, cols);
            AssertInvariant(
                (first, n, y) => MatMulInt8.Run(pool, m, xq.AsSpan(first * xRow, n * xRow), n, y, batchInvariant: true),
                (row, y0, y1) => MatMulInt8.RunDecode(pool, [m, m], xq.AsSpan(row * xRow, xRow), [y0, y1], batchInvariant: true),
                $"{type} quantized threads={threads}");
        }
    }

    /// <summary>Rows [first, first + n) of the activation set through the product into y (n × <see cref="Rows"/>).</summary>
    private delegate void Product(int first, int n, Span<float> y);

    /// <summary>Activation row <paramref name="row"/> through the fused decode of the matrix twice, into y0 and y1.</summary>
    private delegate void FusedDecode(int row, nint y0, nint y1);

    /// <summary>
    /// Each of the MaxN activation rows alone, then batches of <see cref="BatchSizes"/> rows from an offset (so a row meets
    /// other neighbours and other places in the 4 × 4 tiles), then the fused decode of two matrices over one row (Q/K/V,
    /// gate/up): every result bit-identical to the row's product alone.
    /// </summary>
    private static void AssertInvariant(Product run, FusedDecode fused, string what)
    {
        var alone = new float[MaxN * Rows];
        for (int j = 0; j < MaxN; j++)
        {
            run(j, 1, alone.AsSpan(j * Rows, Rows));
        }

        foreach (int n in BatchSizes)
        {
            int first = n % 3;
            var y = new float[n * Rows];
            run(first, n, y);
            AssertSameBits(alone.AsSpan(first * Rows, n * Rows), y, $"{what} n={n}");
        }

        var y0 = new float[Rows];
        var y1 = new float[Rows];
        fixed (float* p0 = y0)
        fixed (float* p1 = y1)
        {
            fused(5, (nint)p0, (nint)p1);
        }

        AssertSameBits(alone.AsSpan(5 * Rows, Rows), y0, $"{what} fused decode, first matrix");
        AssertSameBits(alone.AsSpan(5 * Rows, Rows), y1, $"{what} fused decode, second matrix");
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
