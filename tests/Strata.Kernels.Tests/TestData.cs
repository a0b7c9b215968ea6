// Seeded generators of valid quantized rows and f32 vectors for the kernel tests.
using Strata.Kernels;

namespace Strata.Kernels.Tests;

internal static class TestData
{
    public static readonly GgmlType[] Computable =
    [
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
        GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K,
    ];

    /// <summary>Row lengths in blocks for the path tests: every short tail plus the 16-block steps and their tails.</summary>
    public static readonly int[] BlockCounts = [1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 31, 32, 33, 47];

    public static readonly GgmlType[] Quantized =
    [
        GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K,
        GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K,
    ];

    public static float[] Floats(Random rng, int n, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return a;
    }

    /// <summary>A row of <paramref name="elements"/> of <paramref name="type"/>: random payload, sane finite scales.</summary>
    public static byte[] Row(GgmlType type, int elements, Random rng)
    {
        var row = new byte[elements / GgmlTypeInfo.BlockElements(type) * GgmlTypeInfo.BlockBytes(type)];
        RandomBlocks.Fill(type, row, rng, floatScale: 4f);
        return row;
    }

    public static void SetHalf(Span<byte> b, int offset, float v) => RandomBlocks.SetHalf(b, offset, v);

    /// <summary>
    /// Three random matrices of one type, rows[i] × cols, through <paramref name="run"/> one at a time (into n × rows[i]
    /// outputs) and through <paramref name="runGroup"/> together (output addresses): asserts the two agree bit for bit.
    /// </summary>
    public static unsafe void AssertGroupEqualsSeparateRuns(GgmlType type, int cols, int[] rows, int n, Random rng,
        Action<WeightMatrix, float[]> run, Action<WeightMatrix[], nint[]> runGroup)
    {
        var weights = new byte[rows.Length][];
        var expected = new float[rows.Length][];
        var actual = new float[rows.Length][];
        var m = new WeightMatrix[rows.Length];
        var outputs = new nint[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            // Pinned arrays: the kernels take raw addresses.
            byte[] w = Row(type, rows[i] * cols, rng);
            weights[i] = GC.AllocateUninitializedArray<byte>(w.Length, pinned: true);
            w.CopyTo(weights[i], 0);
            expected[i] = new float[n * rows[i]];
            actual[i] = GC.AllocateArray<float>(n * rows[i], pinned: true);
            fixed (byte* pw = weights[i])
            fixed (float* py = actual[i])
            {
                m[i] = new WeightMatrix(type, (nint)pw, rows[i], cols);
                outputs[i] = (nint)py;
            }
        }

        for (int i = 0; i < rows.Length; i++)
        {
            run(m[i], expected[i]);
        }

        runGroup(m, outputs);
        for (int i = 0; i < rows.Length; i++)
        {
            Xunit.Assert.Equal(expected[i], actual[i]);
        }

        GC.KeepAlive(weights);
        GC.KeepAlive(actual);
    }
}
