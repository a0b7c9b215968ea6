// Tests of paged attention with grouped-query heads against a naive double-precision reference.
using System.Runtime.InteropServices;
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class AttentionTests
{
    // Plain, Gemma 2's score soft cap of 50 (the scores are large enough here to bend), a sliding window of 20 positions
    // (whole blocks skipped, the first kept block partly masked) and both.
    [Theory]
    [InlineData(1, 0f, 0)]
    [InlineData(2, 0f, 0)]
    [InlineData(2, 50f, 0)]
    [InlineData(1, 0f, 20)]
    [InlineData(2, 5f, 20)]
    public void Run_Gqa8x2Over3BlocksOf16_MatchesNaiveReferenceWithin1e5(int threads, float softCap, int window)
    {
        const int heads = 8, kvHeads = 2, headDim = 64, blockTokens = 16, blocks = 3;
        var rng = new Random(7);
        var shape = new AttentionShape(heads, kvHeads, headDim, blockTokens, 1f / MathF.Sqrt(headDim), SoftCap: softCap, Window: window);
        var kArrays = new float[blocks][];
        var vArrays = new float[blocks][];
        var keys = new nint[blocks];
        var values = new nint[blocks];
        var handles = new List<GCHandle>();
        try
        {
            for (int b = 0; b < blocks; b++)
            {
                kArrays[b] = TestData.Floats(rng, blockTokens * kvHeads * headDim, 2f);
                vArrays[b] = TestData.Floats(rng, blockTokens * kvHeads * headDim);
                GCHandle hk = GCHandle.Alloc(kArrays[b], GCHandleType.Pinned);
                GCHandle hv = GCHandle.Alloc(vArrays[b], GCHandleType.Pinned);
                handles.Add(hk);
                handles.Add(hv);
                keys[b] = hk.AddrOfPinnedObject();
                values[b] = hv.AddrOfPinnedObject();
            }

            float[] q = TestData.Floats(rng, heads * headDim, 2f);
            using var pool = new WorkerPool(threads);
            for (int tokens = 0; tokens <= blocks * blockTokens; tokens++)
            {
                var scores = new float[heads * tokens];
                var output = new float[heads * headDim];
                Attention.Run(pool, shape, q, keys, values, tokens, scores, output);
                for (int h = 0; h < heads; h++)
                {
                    double[] expected = Reference(shape, q, kArrays, vArrays, tokens, h);
                    for (int i = 0; i < headDim; i++)
                    {
                        Assert.True(Math.Abs(expected[i] - output[(h * headDim) + i]) <= 1e-5,
                            $"tokens={tokens} h={h} i={i}: expected {expected[i]:R}, got {output[(h * headDim) + i]:R}");
                    }
                }
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

    // Five rows are enough for a part per KV head (heads that share one go together): 6/2 heads of 32 dims (no
    // 64-dim slice), 9/3 of 64 (SmolLM's groups of three), 8/1 of 80 (groups split 3 + 3 + 2, and a 16-dim tail).
    [Theory]
    [InlineData(1, 6, 2, 32, 0)]
    [InlineData(2, 6, 2, 32, 0)]
    [InlineData(2, 9, 3, 64, 0)]
    [InlineData(1, 8, 1, 80, 0)]
    [InlineData(2, 8, 1, 80, 0)]
    [InlineData(2, 9, 3, 64, 20)]
    [InlineData(1, 8, 1, 80, 5)]
    public void RunBatch_RowsWithTheirOwnBlocksAndLengths_AreBitIdenticalToRunPerRow(int threads, int heads, int kvHeads, int headDim, int window)
    {
        const int blockTokens = 8, blocks = 5, rows = 5;
        var rng = new Random(11);
        var shape = new AttentionShape(heads, kvHeads, headDim, blockTokens, 1f / MathF.Sqrt(headDim), Window: window);
        var handles = new List<GCHandle>();
        try
        {
            var all = new nint[2 * blocks];
            for (int b = 0; b < all.Length; b++)
            {
                GCHandle h = GCHandle.Alloc(TestData.Floats(rng, blockTokens * kvHeads * headDim, 2f), GCHandleType.Pinned);
                handles.Add(h);
                all[b] = h.AddrOfPinnedObject();
            }

            // Row r reads keys from a rotation of the blocks and values from the other half; rows 1 and 2 share a table.
            int[] tokens = [1, 17, 18, 40, 33];
            int[] offsets = [0, blocks, blocks, 2 * blocks, 3 * blocks];
            var keys = new nint[rows * blocks];
            var values = new nint[rows * blocks];
            for (int r = 0; r < rows; r++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    keys[offsets[r] + b] = all[(b + r) % blocks];
                    values[offsets[r] + b] = all[blocks + ((b + (2 * r)) % blocks)];
                }
            }

            int width = heads * headDim, stride = width + 16;
            float[] q = TestData.Floats(rng, rows * stride, 2f);
            var scoreOffsets = new long[rows];
            long total = 0;
            for (int r = 0; r < rows; r++)
            {
                scoreOffsets[r] = total;
                total += heads * tokens[r];
            }

            var scores = new float[total];
            var output = new float[rows * stride];
            using var pool = new WorkerPool(threads);
            Attention.RunBatch(pool, shape, rows, q, stride, keys, values, offsets, tokens, scoreOffsets, scores, output, stride);
            for (int r = 0; r < rows; r++)
            {
                var alone = new float[width];
                Attention.Run(pool, shape, q.AsSpan(r * stride, width), keys.AsSpan(offsets[r], blocks), values.AsSpan(offsets[r], blocks),
                    tokens[r], new float[heads * tokens[r]], alone);
                for (int i = 0; i < width; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(alone[i]), BitConverter.SingleToInt32Bits(output[(r * stride) + i]));
                }
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

    private static double[] Reference(AttentionShape s, float[] q, float[][] k, float[][] v, int tokens, int h)
    {
        int kvh = h / (s.Heads / s.KvHeads);
        var p = new double[tokens];
        double max = double.NegativeInfinity;
        for (int t = 0; t < tokens; t++)
        {
            int o = ((t % s.BlockTokens * s.KvHeads) + kvh) * s.HeadDim;
            double dot = 0;
            for (int i = 0; i < s.HeadDim; i++)
            {
                dot += (double)q[(h * s.HeadDim) + i] * k[t / s.BlockTokens][o + i];
            }

            p[t] = dot * s.Scale;
            if (s.SoftCap > 0)
            {
                p[t] = s.SoftCap * Math.Tanh(p[t] / s.SoftCap);
            }

            if (s.Window > 0 && t < tokens - s.Window)
            {
                p[t] = double.NegativeInfinity;
            }

            max = Math.Max(max, p[t]);
        }

        double sum = 0;
        for (int t = 0; t < tokens; t++)
        {
            p[t] = Math.Exp(p[t] - max);
            sum += p[t];
        }

        var r = new double[s.HeadDim];
        for (int t = 0; t < tokens; t++)
        {
            int o = ((t % s.BlockTokens * s.KvHeads) + kvh) * s.HeadDim;
            for (int i = 0; i < s.HeadDim; i++)
            {
                r[i] += p[t] / sum * v[t / s.BlockTokens][o + i];
            }
        }

        return r;
    }
}
