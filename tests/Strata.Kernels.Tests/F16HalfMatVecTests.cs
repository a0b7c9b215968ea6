// F16 decode in the fast numerics: the activation row rounded to halves (as llama.cpp computes F16 weights), bit for bit
// against the scalar reference of the assembled kernels' arithmetic, and the compiler's choice of it.
using System.Runtime.InteropServices;

namespace Strata.Kernels.Tests;

public sealed unsafe class F16HalfMatVecTests
{
    [Theory]
    [InlineData(64, 3)]
    [InlineData(2048, 5)]
    [InlineData(5632, 4)] // TinyLlama's down projection
    public void Product_EqualsTheReferenceBitForBit_AndTheExactProductWithinHalfRounding(int cols, int rows)
    {
        if (!F16HalfMatVec.Supported)
        {
            Assert.False(F16HalfMatVec.Applies(cols));
            return;
        }

        var rng = new Random(cols);
        var w = new ushort[rows * cols];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = BitConverter.HalfToUInt16Bits((Half)((rng.NextDouble() * 2) - 1));
        }

        w[cols + 7] = 0x0001;  // a subnormal weight
        w[cols + 9] = 0x8000;  // −0
        w[(2 * cols) + 3] = 0x7C00; // +∞ in row 2
        float[] x = TestData.Floats(rng, cols);
        x[5] = 3e-8f;          // a subnormal half
        x[6] = 1e-9f;          // rounds to zero
        x[7] = -70000f;        // beyond the half range: −∞, as llama.cpp's conversion gives

        fixed (ushort* pw = w)
        fixed (float* px = x)
        {
            // The row rounded to nearest even, as .NET's (Half) conversion does.
            ushort* xh = F16HalfMatVec.Prepare(px, cols);
            for (int i = 0; i < cols; i++)
            {
                Assert.Equal(BitConverter.HalfToUInt16Bits((Half)x[i]), xh[i]);
            }

            var copy = new ushort[cols];
            new ReadOnlySpan<ushort>(xh, cols).CopyTo(copy);
            using var pool = new WorkerPool(2);
            var m = new WeightMatrix(GgmlType.F16, (nint)pw, rows, cols);
            var y = new float[rows];
            MatMul.Run(pool, m, x, 1, y, MatMulKernel.F16HalfActivations);
            fixed (ushort* pc = copy)
            {
                for (int r = 0; r < rows; r++)
                {
                    float expected = F16HalfMatVec.Reference(pw + (r * cols), pc, cols);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[r]),
                        $"cols={cols} row {r}: {y[r]:R} against the reference {expected:R}");
                }
            }

            // Rows without the infinities: close to the exact product (x rounded to 11 significant bits).
            x[7] = -7f;
            var exact = new float[rows];
            MatMul.Run(pool, m, x, 1, exact, MatMulKernel.DequantRowDot);
            MatMul.Run(pool, m, x, 1, y, MatMulKernel.F16HalfActivations);
            for (int r = 0; r < rows; r++)
            {
                if (r == 2)
                {
                    continue;
                }

                double scale = 0;
                for (int i = 0; i < cols; i++)
                {
                    scale += Math.Abs((double)(float)BitConverter.UInt16BitsToHalf(w[(r * cols) + i]) * x[i]);
                }

                Assert.True(Math.Abs(exact[r] - y[r]) <= (1e-3 * scale) + 1e-6, $"row {r}: {y[r]} against exact {exact[r]} (scale {scale})");
            }
        }
    }

    [Fact]
    public void Plan_TakesHalfActivationsForALoneF16RowInTheFastNumericsOnly()
    {
        MatMulKernel expected = F16HalfMatVec.Supported && KernelIsa.Use512 ? MatMulKernel.F16HalfActivations : MatMulPlan.Exact(GgmlType.F16, 2048, 5632, 1, false, true);
        Assert.Equal(expected, MatMulPlan.Exact(GgmlType.F16, 2048, 5632, 1, batchInvariant: false, avx512: true, halfActivations: true));
        Assert.NotEqual(MatMulKernel.F16HalfActivations, MatMulPlan.Exact(GgmlType.F16, 2048, 5632, 1, batchInvariant: false, avx512: true));
        Assert.NotEqual(MatMulKernel.F16HalfActivations, MatMulPlan.Exact(GgmlType.F16, 2048, 5632, 1, batchInvariant: true, avx512: true, halfActivations: true));
        Assert.NotEqual(MatMulKernel.F16HalfActivations, MatMulPlan.Exact(GgmlType.F16, 2048, 5632, 2, batchInvariant: false, avx512: true, halfActivations: true));
        Assert.NotEqual(MatMulKernel.F16HalfActivations, MatMulPlan.Exact(GgmlType.F16, 8, 32, 1, batchInvariant: false, avx512: true, halfActivations: true));
        Assert.NotEqual(MatMulKernel.F16HalfActivations, MatMulPlan.Exact(GgmlType.F32, 2048, 2048, 1, batchInvariant: false, avx512: true, halfActivations: true));
    }
}
