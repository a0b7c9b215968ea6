// PanelGemm against a double-precision reference: every edge (rows not a multiple of 6, outputs not a multiple of 16, k
// across block boundaries), with and without bias, on one and two threads; and the same bits whatever the thread count.
namespace Strata.Kernels.Tests;

public sealed unsafe class PanelGemmTests
{
    [Theory]
    [InlineData(1, 16, 8, false)]
    [InlineData(7, 20, 33, true)]
    [InlineData(13, 48, 256, false)]
    [InlineData(100, 37, 300, true)]
    [InlineData(200, 384, 513, true)]
    [InlineData(20, 40, 3100, true)]
    public void Run_MatchesTheReference(int rows, int n, int k, bool withBias)
    {
        var random = new Random(rows * 1000 + n * 10 + k);
        float[] w = Random(random, n * k), x = Random(random, rows * k), bias = Random(random, n);
        float[] packed = PanelGemm.Pack(w, n, k);
        foreach (int threads in (int[])[1, 2])
        {
            using var pool = new WorkerPool(threads);
            var y = new float[rows * n];
            fixed (float* pw = packed, px = x, py = y, pb = bias)
            {
                PanelGemm.Run(pool, pw, n, k, px, rows, py, withBias ? pb : null);
            }

            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = withBias ? bias[j] : 0;
                    for (int q = 0; q < k; q++)
                    {
                        expected += (double)x[(r * k) + q] * w[(j * k) + q];
                    }

                    Assert.True(Math.Abs(expected - y[(r * n) + j]) <= 1e-4 * Math.Sqrt(k), $"row {r} col {j}: {y[(r * n) + j]} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void Run_SameBitsOnOneAndTwoThreads()
    {
        const int rows = 150, n = 64, k = 600;
        var random = new Random(7);
        float[] w = Random(random, n * k), x = Random(random, rows * k);
        float[] packed = PanelGemm.Pack(w, n, k);
        var results = new List<float[]>();
        foreach (int threads in (int[])[1, 2])
        {
            using var pool = new WorkerPool(threads);
            var y = new float[rows * n];
            fixed (float* pw = packed, px = x, py = y)
            {
                PanelGemm.Run(pool, pw, n, k, px, rows, py, null);
            }

            results.Add(y);
        }

        Assert.Equal(results[0], results[1]);
    }

    [Theory]
    [InlineData(TileActivation.GeluErf, 100, 37, 300)]
    [InlineData(TileActivation.GeluErf, 13, 48, 600)]
    [InlineData(TileActivation.Relu, 100, 37, 300)]
    public void Run_FusedActivation_SameBitsAsTheActivationAfter(TileActivation activation, int rows, int n, int k)
    {
        var random = new Random(11);
        float[] w = Random(random, n * k), x = Random(random, rows * k), bias = Random(random, n);
        float[] packed = PanelGemm.Pack(w, n, k);
        using var pool = new WorkerPool(2);
        float[] fused = new float[rows * n], after = new float[rows * n];
        fixed (float* pw = packed, px = x, pf = fused, pa = after, pb = bias)
        {
            PanelGemm.Run(pool, pw, n, k, px, rows, pf, pb, activation);
            PanelGemm.Run(pool, pw, n, k, px, rows, pa, pb);
        }

        var plain = (float[])after.Clone();
        if (activation == TileActivation.GeluErf)
        {
            Activations.GeluErf(after);
        }
        else
        {
            for (int i = 0; i < after.Length; i++)
            {
                after[i] = MathF.Max(after[i], 0);
            }
        }

        Assert.Equal(after, fused);
        Assert.NotEqual(plain, fused); // the activation did change the products
    }

    [Theory]
    [InlineData(100, 37, 300, TileActivation.None)]
    [InlineData(13, 48, 2000, TileActivation.None)]
    [InlineData(50, 64, 96, TileActivation.GeluErf)]
    public void Run_Residual_SameBitsAsAddingItAfter(int rows, int n, int k, TileActivation activation)
    {
        var random = new Random(13);
        float[] w = Random(random, n * k), x = Random(random, rows * k), bias = Random(random, n), residual = Random(random, rows * n);
        float[] packed = PanelGemm.Pack(w, n, k);
        using var pool = new WorkerPool(2);
        float[] fused = new float[rows * n], after = new float[rows * n];
        fixed (float* pw = packed, px = x, pf = fused, pa = after, pb = bias, pr = residual)
        {
            PanelGemm.Run(pool, pw, n, k, px, rows, pf, pb, activation, pr);
            PanelGemm.Run(pool, pw, n, k, px, rows, pa, pb, activation);
        }

        for (int i = 0; i < after.Length; i++)
        {
            after[i] += residual[i];
        }

        Assert.Equal(after, fused);
    }

    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }
}
