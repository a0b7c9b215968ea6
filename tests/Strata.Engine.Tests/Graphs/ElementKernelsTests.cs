// The graph runner's element-wise kernels against a scalar reference: every operator, every broadcast pattern (same
// shape, scalar either side, a repeated trailing row either side, general broadcasting up to rank 9), lengths across the Vector256
// width and its tail, seeded inputs; f32 results must be bit-identical to the reference, as the vector forms promise.
using Strata.Engine.Graphs;

namespace Strata.Engine.Tests.Graphs;

public sealed unsafe class ElementKernelsTests
{
    private static readonly string[] BinaryNames = ["Add", "Sub", "Mul", "Div", "Pow"];
    private static readonly string[] UnaryNames = ["Sqrt", "Erf", "Tanh", "Relu", "Sigmoid", "Neg", "Exp", "Log", "Abs", "Reciprocal"];

    public static TheoryData<long[], long[]> Patterns() => new()
    {
        { [3, 7], [3, 7] },
        { [2, 19], [1] },
        { [1], [2, 19] },
        { [4, 9], [9] },
        { [9], [4, 9] },
        { [3, 1], [1, 5] },
        { [2, 3, 1], [3, 4] },
        { [0, 4], [4] },
        { [2, 1, 2, 1, 2, 1, 2, 1, 3], [1, 2, 1, 2, 1, 2, 1, 2, 1] }, // rank 9: past Broadcast.StackRank, strides on the heap
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Float_EveryOperatorAndBroadcast_MatchesTheScalarReferenceBitForBit(long[] aShape, long[] bShape)
    {
        long[] outShape = OutShape(aShape, bShape);
        var random = new Random(20);
        float[] a = Values(random, aShape), b = Values(random, bShape);
        foreach (string name in BinaryNames)
        {
            Assert.True(ElementKernels.TryParse(name, out var op));
            var y = new float[Count(outShape)];
            fixed (float* pa = a, pb = b, py = y)
            {
                ElementKernels.Float(op, pa, aShape, pb, bShape, py, outShape);
            }

            for (int i = 0; i < y.Length; i++)
            {
                float x = a[Index(i, aShape, outShape)], z = b[Index(i, bShape, outShape)];
                float expected = name switch
                {
                    "Add" => x + z,
                    "Sub" => x - z,
                    "Mul" => x * z,
                    "Div" => x / z,
                    _ => z == 2f ? x * x : MathF.Pow(x, z),
                };
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]), $"{name} [{i}]: {y[i]} != {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Int64_EveryOperatorAndBroadcast_MatchesTheScalarReference(long[] aShape, long[] bShape)
    {
        long[] outShape = OutShape(aShape, bShape);
        var random = new Random(21);
        long[] a = new long[Count(aShape)], b = new long[Count(bShape)];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.Next(-50, 50);
        }

        for (int i = 0; i < b.Length; i++)
        {
            b[i] = random.Next(1, 4);
        }

        foreach (string name in BinaryNames)
        {
            Assert.True(ElementKernels.TryParse(name, out var op));
            var y = new long[Count(outShape)];
            fixed (long* pa = a, pb = b, py = y)
            {
                ElementKernels.Int64(op, pa, aShape, pb, bShape, py, outShape);
            }

            for (int i = 0; i < y.Length; i++)
            {
                long x = a[Index(i, aShape, outShape)], z = b[Index(i, bShape, outShape)];
                long expected = name switch { "Add" => x + z, "Sub" => x - z, "Mul" => x * z, "Div" => x / z, _ => (long)Math.Pow(x, z) };
                Assert.Equal(expected, y[i]);
            }
        }
    }

    [Fact]
    public void Float_InPlaceOverEitherInput_MatchesTheOutOfPlaceResult()
    {
        var random = new Random(22);
        long[] shape = [37];
        float[] a = Values(random, shape), b = Values(random, shape);
        var expected = new float[37];
        float[] overA = [.. a], overB = [.. b];
        fixed (float* pa = a, pb = b, py = expected, qa = overA, qb = overB)
        {
            ElementKernels.Float(ElementOp.Sub, pa, shape, pb, shape, py, shape);
            ElementKernels.Float(ElementOp.Sub, qa, shape, pb, shape, qa, shape);
            ElementKernels.Float(ElementOp.Sub, pa, shape, qb, shape, qb, shape);
        }

        Assert.Equal(expected, overA);
        Assert.Equal(expected, overB);
    }

    [Fact]
    public void Unary_EveryOperatorAtEveryLengthTo40_MatchesTheScalarReferenceBitForBit()
    {
        var random = new Random(23);
        foreach (string name in UnaryNames)
        {
            Assert.True(UnaryKernels.TryParse(name, out var op));
            for (int n = 0; n <= 40; n++)
            {
                float[] x = Values(random, [n]);
                if (n > 2)
                {
                    (x[0], x[1], x[2]) = (0f, -0f, float.NaN); // ±0 and NaN for Relu, Abs, Neg
                }

                var y = new float[n];
                UnaryKernels.Run(op, x, y);
                for (int i = 0; i < n; i++)
                {
                    float v = x[i];
                    float expected = name switch
                    {
                        "Sqrt" => MathF.Sqrt(v),
                        "Erf" => UnaryKernels.Erf(v),
                        "Tanh" => MathF.Tanh(v),
                        "Relu" => MathF.Max(v, 0),
                        "Sigmoid" => 1f / (1f + MathF.Exp(-v)),
                        "Neg" => -v,
                        "Exp" => MathF.Exp(v),
                        "Log" => MathF.Log(v),
                        "Abs" => MathF.Abs(v),
                        _ => 1f / v,
                    };
                    Assert.True(float.IsNaN(expected) ? float.IsNaN(y[i]) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]),
                        $"{name}({v}) [{i} of {n}]: {y[i]} != {expected}");
                }
            }
        }
    }

    [Fact]
    public void TryParse_UnknownOperator_IsFalse()
    {
        Assert.False(ElementKernels.TryParse("Mod", out _));
        Assert.False(UnaryKernels.TryParse("Sin", out _));
    }

    private static float[] Values(Random random, long[] shape)
    {
        var values = new float[Count(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return values;
    }

    private static long[] OutShape(long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new long[rank];
        for (int i = 1; i <= rank; i++)
        {
            long da = i <= a.Length ? a[^i] : 1, db = i <= b.Length ? b[^i] : 1;
            shape[rank - i] = da == 1 ? db : da;
        }

        return shape;
    }

    // The element of an input of shape `input` that flat output index `index` reads under numpy broadcasting.
    private static int Index(long index, long[] input, long[] output)
    {
        long offset = 0, stride = 1;
        for (int i = 1; i <= output.Length; i++)
        {
            long coordinate = index % output[^i];
            index /= output[^i];
            if (i <= input.Length)
            {
                offset += (input[^i] == 1 ? 0 : coordinate) * stride;
                stride *= input[^i];
            }
        }

        return (int)offset;
    }

    private static long Count(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }
}
