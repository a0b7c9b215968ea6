// The f16 KV cache: vector f32 → f16 rounding against .NET's Half, and attention over f16 blocks against attention over
// f32 blocks holding the same (rounded) values.
using System.Runtime.InteropServices;
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class HalfKvTests
{
    [Fact]
    public void SingleToHalf_EdgeAndRandomValues_EqualDotNetHalfRoundToNearestEven()
    {
        var values = new List<float>
        {
            0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, -65520f, 65536f, 1e10f, float.MaxValue, float.PositiveInfinity,
            float.NegativeInfinity, float.Epsilon, 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, 8.940697e-8f, 6.1035156e-5f,
            6.1035153e-5f, 6.097555e-5f, 1.0009766f, 1.0004883f, 1.0014648f, 2049f, 2051f, -3.1415927f,
        };

        // Every f16 boundary region: each exponent with random mantissas, both signs, plus exact halfway points.
        var rng = new Random(11);
        for (int e = -30; e <= 17; e++)
        {
            for (int i = 0; i < 200; i++)
            {
                float v = MathF.ScaleB(1f + (float)rng.NextDouble(), e);
                values.Add(rng.Next(2) == 0 ? v : -v);
            }
        }

        for (int h = 0; h < 0x7C00; h += 7)
        {
            // Halfway between f16 h and h + 1: the tie goes to the even one.
            float a = HalfConvert.HalfToSingle((ushort)h), b = HalfConvert.HalfToSingle((ushort)(h + 1));
            values.Add((a / 2) + (b / 2));
        }

        float[] src = values.ToArray();
        var dst = new ushort[src.Length + 3];
        for (int offset = 0; offset < 3; offset++)
        {
            // Offsets move values between the vector body and the scalar tail.
            HalfConvert.SingleToHalf(src.AsSpan(offset), dst.AsSpan(offset));
            for (int i = offset; i < src.Length; i++)
            {
                Assert.True(HalfConvert.SingleToHalf(src[i]) == dst[i],
                    $"{src[i]:R}: expected 0x{HalfConvert.SingleToHalf(src[i]):X4}, got 0x{dst[i]:X4}");
            }
        }
    }

    [Fact]
    public void SingleToHalf_NaN_IsAQuietNaN_AndShortDestinationIsRejected()
    {
        var dst = new ushort[40];
        var src = new float[40];
        Array.Fill(src, float.NaN);
        HalfConvert.SingleToHalf(src, dst);
        Assert.All(dst, h => Assert.True(float.IsNaN(HalfConvert.HalfToSingle(h))));
        Assert.Throws<ArgumentException>(() => HalfConvert.SingleToHalf(new float[5], new ushort[4]));
    }

    [Theory]
    [InlineData(1, 8, 2, 64)]
    [InlineData(2, 9, 3, 64)]
    [InlineData(2, 4, 2, 20)]
    public unsafe void RunBatch_HalfKv_IsBitIdenticalToF32BlocksOfTheRoundedValues(int threads, int heads, int kvHeads, int headDim)
    {
        const int blockTokens = 16, blocks = 5, rows = 4;
        var rng = new Random(heads + headDim);
        int blockElements = blockTokens * kvHeads * headDim;
        var handles = new List<GCHandle>();
        nint Pin(Array a)
        {
            GCHandle h = GCHandle.Alloc(a, GCHandleType.Pinned);
            handles.Add(h);
            return h.AddrOfPinnedObject();
        }

        try
        {
            // rows × blocks blocks; each row sees a different length.
            var k32 = new nint[rows * blocks];
            var v32 = new nint[rows * blocks];
            var k16 = new nint[rows * blocks];
            var v16 = new nint[rows * blocks];
            for (int b = 0; b < rows * blocks; b++)
            {
                (k32[b], k16[b]) = HalfBlock(TestData.Floats(rng, blockElements, 3f), Pin);
                (v32[b], v16[b]) = HalfBlock(TestData.Floats(rng, blockElements), Pin);
            }

            int[] offsets = [0, blocks, 2 * blocks, 3 * blocks];
            int[] tokens = [1, 17, 40, blocks * blockTokens];
            var scoreOffsets = new long[rows];
            for (int r = 1; r < rows; r++)
            {
                scoreOffsets[r] = scoreOffsets[r - 1] + ((long)heads * tokens[r - 1]);
            }

            float[] q = TestData.Floats(rng, rows * heads * headDim, 2f);
            var scores = new float[scoreOffsets[rows - 1] + (heads * tokens[rows - 1])];
            var expected = new float[rows * heads * headDim];
            var actual = new float[rows * heads * headDim];
            using var pool = new WorkerPool(threads);
            var shape = new AttentionShape(heads, kvHeads, headDim, blockTokens, 1f / MathF.Sqrt(headDim));
            Attention.RunBatch(pool, shape, rows, q, heads * headDim, k32, v32, offsets, tokens, scoreOffsets, scores, expected, heads * headDim);
            Attention.RunBatch(pool, shape with { HalfKv = true }, rows, q, heads * headDim, k16, v16, offsets, tokens, scoreOffsets, scores,
                actual, heads * headDim);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"output {i}: f32 blocks give {expected[i]:R}, f16 blocks {actual[i]:R}");
            }
        }
        finally
        {
            foreach (GCHandle h in handles)
            {
                h.Free();
            }
        }
    }

    /// <summary>The values rounded to f16, as an f32 block and as an f16 block.</summary>
    private static (nint F32, nint F16) HalfBlock(float[] values, Func<Array, nint> pin)
    {
        var half = new ushort[values.Length];
        HalfConvert.SingleToHalf(values, half);
        var rounded = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            rounded[i] = HalfConvert.HalfToSingle(half[i]);
        }

        return (pin(rounded), pin(half));
    }
}
