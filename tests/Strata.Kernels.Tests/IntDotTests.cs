// Integer dots (AVX-512, AVX2, scalar) of every fast-path weight type against IntDotReference, and MatMulInt8.Run.
using System.Buffers.Binary;
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

/// <summary>
/// Width-specific kernels are called directly so one process checks every path its CPU has; a path the CPU (or the
/// DOTNET_EnableAVX512=0 / DOTNET_EnableHWIntrinsic=0 run) lacks is skipped inside the test.
/// </summary>
public unsafe class IntDotTests
{
    private const double RelTol = 1e-5;

    public static readonly GgmlType[] Types =
        [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K];

    public static TheoryData<GgmlType, int> Cases()
    {
        var d = new TheoryData<GgmlType, int>();
        foreach (GgmlType t in Types)
        {
            d.Add(t, 512);
            d.Add(t, 256);
            d.Add(t, 0);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dot_EveryPathOneToEightBlocks_MatchesReference(GgmlType type, int width)
    {
        if (!Available(width))
        {
            return;
        }

        var rng = new Random(1100 + (int)type + width);
        int be = GgmlTypeInfo.BlockElements(type);
        foreach (int blocks in TestData.BlockCounts)
        {
            int cols = blocks * be;
            for (int trial = 0; trial < 4; trial++)
            {
                byte[] w = TestData.Row(type, cols, rng);
                float[] x = trial == 3 ? new float[cols] : TestData.Floats(rng, cols, trial == 2 ? 100f : 1f);
                if (trial == 1)
                {
                    // Offset activations and a zero block.
                    for (int i = 0; i < cols; i++)
                    {
                        x[i] += 2f;
                    }

                    Array.Clear(x, 0, Math.Min(cols, 32));
                }

                byte[] xq = Quantize(type, x, 1, cols);
                float expected = IntDotReference.Dot(type, w, xq, cols);
                float actual = Dot(type, width, w, xq, cols);
                double tol = RelTol * AbsSum(type, w, xq, cols);
                Assert.True(Math.Abs(actual - expected) <= tol,
                    $"{type} v{width} cols={cols} trial={trial}: expected {expected:R}, got {actual:R}, tol {tol:R}");
                if (trial == 3)
                {
                    Assert.Equal(0f, actual);
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    public void QuantizeRows_SimdPaths_ByteIdenticalToScalar(GgmlType weightType)
    {
        bool k = ActivationQuant.FormatFor(weightType) == GgmlType.Q8_K;
        const int cols = 1024, n = 6;
        var rng = new Random(77);
        float[] x = TestData.Floats(rng, n * cols, 3f);
        Array.Clear(x, cols, cols); // row 1: all zero
        for (int i = 0; i < cols; i++)
        {
            // Row 2: ties after scaling (|max| = 127 makes the scale ±1, so k + 0.5 is an exact tie); zero blocks.
            x[(2 * cols) + i] = i % 32 == 0 ? (k ? -127f : 127f) : (rng.Next(-126, 126) + 0.5f);
            x[(3 * cols) + i] = i < 300 ? 0f : x[(3 * cols) + i];

            // Row 4: small values, integers.
            x[(4 * cols) + i] = rng.Next(-3, 4);
        }

        // Row 5: equal magnitudes of both signs: the first wins the Q8_K max.
        x[(5 * cols) + 7] = -5f;
        x[(5 * cols) + 9] = 5f;
        x[(5 * cols) + 256 + 3] = 5f;
        x[(5 * cols) + 256 + 4] = -5f;

        long bytes = n * ActivationQuant.RowBytes(weightType, cols);
        var expected = new byte[bytes];
        ActivationQuant.QuantizeRows(weightType, x, n, cols, expected, 0);
        foreach (int width in new[] { 512, 256 })
        {
            if (!Available(width))
            {
                continue;
            }

            var actual = new byte[bytes];
            ActivationQuant.QuantizeRows(weightType, x, n, cols, actual, width);
            for (int i = 0; i < bytes; i++)
            {
                Assert.True(expected[i] == actual[i], $"{weightType} v{width} byte {i}: expected {expected[i]}, got {actual[i]}");
            }
        }

        var dispatched = new byte[bytes];
        ActivationQuant.QuantizeRows(weightType, x, n, cols, dispatched);
        Assert.Equal(expected, dispatched);
    }

    public static TheoryData<GgmlType, int, int> MatMulCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in Types)
        {
            foreach (int n in new[] { 1, 3, 4, 5, 32, 33 })
            {
                d.Add(t, n, 1);
                d.Add(t, n, 2);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMulQ8_Run_MatchesReferencePerElement(GgmlType type, int n, int threads)
    {
        const int rows = 45;
        int cols = GgmlTypeInfo.BlockElements(type) == 256 ? 768 : 352;
        var rng = new Random((int)type + (31 * n) + threads);
        byte[] w = TestData.Row(type, rows * cols, rng);
        float[] x = TestData.Floats(rng, n * cols);
        byte[] xq = Quantize(type, x, n, cols);
        long xRow = ActivationQuant.RowBytes(type, cols);
        long wRow = GgmlTypeInfo.RowBytes(type, cols);
        var y = new float[n * rows];
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            MatMulInt8.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), xq, n, y);
        }

        for (int j = 0; j < n; j++)
        {
            byte[] a = xq.AsSpan((int)(j * xRow), (int)xRow).ToArray();
            for (int r = 0; r < rows; r++)
            {
                byte[] row = w.AsSpan((int)(r * wRow), (int)wRow).ToArray();
                float expected = IntDotReference.Dot(type, row, a, cols);
                double tol = RelTol * AbsSum(type, row, a, cols);
                float actual = y[(j * rows) + r];
                Assert.True(Math.Abs(actual - expected) <= tol,
                    $"{type} n={n} t={threads} r={r} j={j}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MatMulQ8_Q8_0_BatchInvariant_EachRowEqualsItselfAloneBitForBit(int threads)
    {
        // 45 weight rows (a leftover weight row group), 704 columns (22 blocks: one full 16-block scale group and a tail),
        // 7 activation rows (one full tile and three leftover rows); every row alone, fused decode too.
        const int rows = 45, cols = 704, n = 7;
        var rng = new Random(77 + threads);
        byte[] w = TestData.Row(GgmlType.Q8_0, rows * cols, rng);
        float[] x = TestData.Floats(rng, n * cols);
        byte[] xq = Quantize(GgmlType.Q8_0, x, n, cols);
        int xRow = (int)ActivationQuant.RowBytes(GgmlType.Q8_0, cols);
        var all = new float[n * rows];
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var matrix = new WeightMatrix(GgmlType.Q8_0, (nint)pw, rows, cols);
            MatMulInt8.Run(pool, matrix, xq, n, all, batchInvariant: true);
            for (int j = 0; j < n; j++)
            {
                var alone = new float[rows];
                MatMulInt8.Run(pool, matrix, xq.AsSpan(j * xRow, xRow), 1, alone, batchInvariant: true);
                var fused = new float[rows];
                fixed (float* pf = fused)
                {
                    MatMulInt8.RunDecode(pool, [matrix], xq.AsSpan(j * xRow, xRow), [(nint)pf], batchInvariant: true);
                }

                var pair = new float[2 * rows];
                MatMulInt8.Run(pool, matrix, xq.AsSpan(j * xRow, j + 1 < n ? 2 * xRow : xRow), j + 1 < n ? 2 : 1, pair, batchInvariant: true);
                for (int r = 0; r < rows; r++)
                {
                    int expected = BitConverter.SingleToInt32Bits(all[(j * rows) + r]);
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(alone[r]));
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(fused[r]));
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(pair[r]));
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MatMulQ8_Q8_0_Packed_EqualsRawBatchInvariantBitForBit(int threads)
    {
        // 45 rows (a leftover weight row group), 704 columns (11 steps: one 8-step scale group and a tail); every n from
        // 1 to 9 (full tiles, leftover activation rows, rows 2–3 without a tile) and the fused decode.
        const int rows = 45, cols = 704;
        var rng = new Random(91 + threads);
        byte[] w = TestData.Row(GgmlType.Q8_0, rows * cols, rng);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var raw = new WeightMatrix(GgmlType.Q8_0, (nint)pw, rows, cols);
            if (!KernelIsa.Use512)
            {
                return; // the packed layout is for the AVX-512 kernels only
            }

            using Q8Packed? packed = Q8Packed.TryPack(pool, raw, Q8Layout.Tile);
            Assert.NotNull(packed);
            Assert.Equal(Q8Packed.SizeOf(raw, Q8Layout.Tile), packed.Bytes);
            var matrix = raw with { Packed = packed.Address };
            for (int n = 1; n <= 9; n++)
            {
                byte[] xq = Quantize(GgmlType.Q8_0, TestData.Floats(rng, n * cols), n, cols);
                var expected = new float[n * rows];
                var actual = new float[n * rows];
                MatMulInt8.Run(pool, raw, xq, n, expected, batchInvariant: true);
                MatMulInt8.Run(pool, matrix, xq, n, actual, batchInvariant: false);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
                }

                if (n == 1)
                {
                    var fused = new float[2 * rows];
                    fixed (float* pf = fused)
                    {
                        MatMulInt8.RunDecode(pool, [matrix, matrix], xq, [(nint)pf, (nint)(pf + rows)]);
                    }

                    for (int i = 0; i < 2 * rows; i++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(expected[i % rows]), BitConverter.SingleToInt32Bits(fused[i]));
                    }
                }
            }
        }
    }

    [Fact]
    public void Q8Packed_TypesAndWidthsItCannotTake_AreLeftRaw()
    {
        using var pool = new WorkerPool(1);
        byte[] q4 = new byte[(int)GgmlTypeInfo.RowBytes(GgmlType.Q4_0, 128) * 4];
        byte[] q8 = new byte[(int)GgmlTypeInfo.RowBytes(GgmlType.Q8_0, 96) * 4];
        fixed (byte* p4 = q4)
        fixed (byte* p8 = q8)
        {
            // Q4_0 takes only the VNNI nibble panels (Q4Vnni), never the Q8_0 tile layout.
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q4_0, (nint)p4, 4, 128), Q8Layout.Tile));
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q4_K, (nint)p4, 1, 256), Q8Layout.Tile));
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q4_K, (nint)p4, 1, 128))); // half a super-block
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q6_K, (nint)p4, 1, 256), Q8Layout.Tile));
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q2_K, (nint)p4, 1, 256)));
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q8_0, (nint)p8, 4, 96), Q8Layout.Tile)); // 3 blocks: odd
            Assert.Null(Q8Packed.TryPack(pool, new WeightMatrix(GgmlType.Q8_0, 0, 4, 128)));
        }
    }

    public static TheoryData<GgmlType, int, int> TileCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in Types)
        {
            foreach (int n in new[] { 1, 4, 5, 33 })
            {
                d.Add(t, n, 1);
                d.Add(t, n, 2);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(TileCases))]
    public void MatMulQ8_RunOneToEightBlocks_MatchesReferencePerElement(GgmlType type, int n, int threads)
    {
        const int rows = 13;
        int be = GgmlTypeInfo.BlockElements(type) == 256 ? 256 : 32;
        using var pool = new WorkerPool(threads);
        foreach (int blocks in TestData.BlockCounts)
        {
            int cols = blocks * be;
            var rng = new Random((int)type + (31 * n) + threads + (977 * blocks));
            byte[] w = TestData.Row(type, rows * cols, rng);
            float[] x = TestData.Floats(rng, n * cols);
            byte[] xq = Quantize(type, x, n, cols);
            long xRow = ActivationQuant.RowBytes(type, cols);
            long wRow = GgmlTypeInfo.RowBytes(type, cols);
            var y = new float[n * rows];
            fixed (byte* pw = w)
            {
                MatMulInt8.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), xq, n, y);
            }

            for (int j = 0; j < n; j++)
            {
                byte[] a = xq.AsSpan((int)(j * xRow), (int)xRow).ToArray();
                for (int r = 0; r < rows; r++)
                {
                    byte[] row = w.AsSpan((int)(r * wRow), (int)wRow).ToArray();
                    float expected = IntDotReference.Dot(type, row, a, cols);
                    double tol = RelTol * AbsSum(type, row, a, cols);
                    float actual = y[(j * rows) + r];
                    Assert.True(Math.Abs(actual - expected) <= tol,
                        $"{type} blocks={blocks} n={n} t={threads} r={r} j={j}: expected {expected:R}, got {actual:R}");
                }
            }
        }
    }

    public static TheoryData<GgmlType, int, int, bool> LegacyTileCases()
    {
        var d = new TheoryData<GgmlType, int, int, bool>();
        foreach (GgmlType t in new[] { GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0 })
        {
            foreach (int n in new[] { 4, 5, 33 })
            {
                d.Add(t, n, 1, false);
                d.Add(t, n, 2, false);
            }

            // Batch invariance: a lone row and the rows after the last full tile through the one-row kernels
            // (Q4Tile512.RowRaw from 128 columns, partial last quads included).
            d.Add(t, 1, 2, true);
            d.Add(t, 7, 2, true);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(LegacyTileCases))]
    public void MatMulQ8_LegacyTileUnitScales_EqualsReferenceExactly(GgmlType type, int n, int threads, bool batchInvariant)
    {
        // dw = dy = 1: every output is an integer below 2^24, so the tile's integer sums must match exactly.
        const int rows = 9;
        using var pool = new WorkerPool(threads);
        // 20 blocks: a whole 16-block scale group of the one-row kernels, then a partial quad.
        foreach (int blocks in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 20 })
        {
            int cols = blocks * 32;
            var rng = new Random((int)type + (97 * n) + (13 * threads) + blocks);
            byte[] w = UnitScaleWeights(type, rows * cols, rng);
            long xRow = ActivationQuant.RowBytes(type, cols);
            byte[] xq = UnitScaleActivations(n * blocks, rng);

            var y = new float[n * rows];
            fixed (byte* pw = w)
            {
                MatMulInt8.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), xq, n, y, batchInvariant);
            }

            long wRow = GgmlTypeInfo.RowBytes(type, cols);
            for (int j = 0; j < n; j++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float expected = IntDotReference.Dot(type, w.AsSpan((int)(r * wRow), (int)wRow), xq.AsSpan((int)(j * xRow), (int)xRow), cols);
                    Assert.True(expected == y[(j * rows) + r], $"{type} blocks={blocks} n={n} t={threads} r={r} j={j}: expected {expected:R}, got {y[(j * rows) + r]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 1)]
    [InlineData(GgmlType.Q4_0, 2)]
    [InlineData(GgmlType.Q8_0, 1)]
    [InlineData(GgmlType.Q8_0, 2)]
    [InlineData(GgmlType.Q5_0, 1)]
    [InlineData(GgmlType.Q5_0, 2)]
    public void MatMulQ8_DecodeUnitScales_EqualsReferenceExactly(GgmlType type, int threads)
    {
        // n = 1 with 16+ blocks takes the prepared-activation path (padded last group on all rows but the last);
        // dw = dy = 1 keeps every sum an exact integer.
        const int rows = 11;
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        using var pool = new WorkerPool(threads);
        foreach (int blocks in new[] { 15, 16, 17, 18, 19, 31, 32, 33, 48, 64, 176 })
        {
            int cols = blocks * 32;
            var rng = new Random((7 * threads) + blocks + (int)type);
            byte[] w = UnitScaleWeights(type, rows * cols, rng);
            byte[] xq = UnitScaleActivations(blocks, rng);

            var y = new float[rows];
            fixed (byte* pw = w)
            {
                MatMulInt8.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), xq, 1, y);
            }

            for (int r = 0; r < rows; r++)
            {
                float expected = IntDotReference.Dot(type, w.AsSpan(r * blocks * blockBytes, blocks * blockBytes), xq, cols);
                Assert.True(expected == y[r], $"{type} blocks={blocks} t={threads} r={r}: expected {expected:R}, got {y[r]:R}");
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 1)]
    [InlineData(GgmlType.Q4_0, 2)]
    [InlineData(GgmlType.Q5_0, 2)]
    [InlineData(GgmlType.Q8_0, 2)]
    [InlineData(GgmlType.Q4_K, 2)]
    [InlineData(GgmlType.Q6_K, 2)]
    public void MatMulQ8_RunDecodeOfThree_EqualsSeparateRunsBitForBit(GgmlType type, int threads)
    {
        int cols = GgmlTypeInfo.BlockElements(type) == 256 ? 768 : 576;
        var rng = new Random(3 + (int)type + threads);
        byte[] xq = Quantize(type, TestData.Floats(rng, cols), 1, cols);
        using var pool = new WorkerPool(threads);
        TestData.AssertGroupEqualsSeparateRuns(type, cols, [72, 24, 24], 1, rng,
            (m, y) => MatMulInt8.Run(pool, m, xq, 1, y),
            (m, y) => MatMulInt8.RunDecode(pool, m, xq, y));
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 16, 2, true)]
    [InlineData(GgmlType.Q8_0, 16, 2, false)]
    [InlineData(GgmlType.Q8_0, 5, 1, true)]
    [InlineData(GgmlType.Q4_K, 16, 2, false)]
    [InlineData(GgmlType.Q4_0, 6, 2, true)]
    public void MatMulQ8_RunGroupOfThree_EqualsSeparateRunsBitForBit(GgmlType type, int n, int threads, bool batchInvariant)
    {
        // Batches of Q8_0 go as one run of the tile; other types fall back to a run per matrix. Either way each matrix's
        // rows equal its own Run bit for bit.
        int cols = GgmlTypeInfo.BlockElements(type) == 256 ? 768 : 576;
        var rng = new Random(5 + (int)type + n);
        byte[] xq = Quantize(type, TestData.Floats(rng, n * cols), n, cols);
        using var pool = new WorkerPool(threads);
        TestData.AssertGroupEqualsSeparateRuns(type, cols, [72, 24, 26], n, rng,
            (m, y) => MatMulInt8.Run(pool, m, xq, n, y, batchInvariant),
            (m, y) => MatMulInt8.RunGroup(pool, m, xq, n, y, batchInvariant));
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 4, 1, false)]
    [InlineData(GgmlType.Q4_K, 4, 2, false)]
    [InlineData(GgmlType.Q4_K, 5, 1, false)]
    [InlineData(GgmlType.Q4_K, 5, 2, false)]
    [InlineData(GgmlType.Q4_K, 33, 1, false)]
    [InlineData(GgmlType.Q4_K, 33, 2, false)]
    [InlineData(GgmlType.Q6_K, 4, 1, false)]
    [InlineData(GgmlType.Q6_K, 4, 2, false)]
    [InlineData(GgmlType.Q6_K, 5, 1, false)]
    [InlineData(GgmlType.Q6_K, 5, 2, false)]
    [InlineData(GgmlType.Q6_K, 33, 1, false)]
    [InlineData(GgmlType.Q6_K, 33, 2, false)]
    // Batch invariance: one row and the rows after the last full tile through the one-row kernels, 8+ rows through the
    // tiles over tile rows decoded once (PrepareQ4K / PrepareQ6K).
    [InlineData(GgmlType.Q4_K, 1, 2, true)]
    [InlineData(GgmlType.Q4_K, 11, 2, true)]
    [InlineData(GgmlType.Q6_K, 1, 2, true)]
    [InlineData(GgmlType.Q6_K, 11, 2, true)]
    public void MatMulQ8_KTileUnitScales_EqualsReferenceExactly(GgmlType type, int n, int threads, bool batchInvariant)
    {
        // d = dmin = dy = 1 (Q6_K: d = dy = 1): every output is an integer below 2^24, so the tile's integer sums must match exactly.
        const int rows = 9;
        using var pool = new WorkerPool(threads);
        for (int blocks = 1; blocks <= 4; blocks++)
        {
            int cols = blocks * 256;
            var rng = new Random((int)type + (97 * n) + (13 * threads) + blocks);
            byte[] w = TestData.Row(type, rows * cols, rng);
            int blockBytes = GgmlTypeInfo.BlockBytes(type);
            int[] unit = type == GgmlType.Q4_K ? [0, 2] : [208];
            for (int i = 0; i < w.Length; i += blockBytes)
            {
                foreach (int u in unit)
                {
                    w[i + u] = 0x00;
                    w[i + u + 1] = 0x3C;
                }
            }

            long xRow = ActivationQuant.RowBytes(type, cols);
            byte[] xq = new byte[n * xRow];
            for (int blk = 0; blk < n * blocks; blk++)
            {
                Span<byte> a = xq.AsSpan(blk * ActivationQuant.Q8KBlockBytes, ActivationQuant.Q8KBlockBytes);
                BinaryPrimitives.WriteSingleLittleEndian(a, 1f);
                for (int i = 0; i < 16; i++)
                {
                    int bsum = 0;
                    for (int l = 0; l < 16; l++)
                    {
                        sbyte v = (sbyte)rng.Next(-32, 33);
                        a[4 + (16 * i) + l] = (byte)v;
                        bsum += v;
                    }

                    BinaryPrimitives.WriteInt16LittleEndian(a[(260 + (2 * i))..], (short)bsum);
                }
            }

            var y = new float[n * rows];
            fixed (byte* pw = w)
            {
                MatMulInt8.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), xq, n, y, batchInvariant);
            }

            long wRow = GgmlTypeInfo.RowBytes(type, cols);
            for (int j = 0; j < n; j++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float expected = IntDotReference.Dot(type, w.AsSpan((int)(r * wRow), (int)wRow), xq.AsSpan((int)(j * xRow), (int)xRow), cols);
                    Assert.True(expected == y[(j * rows) + r], $"{type} blocks={blocks} n={n} t={threads} r={r} j={j}: expected {expected:R}, got {y[(j * rows) + r]:R}");
                }
            }
        }
    }

    private static bool Available(int width) =>
        width == 512 ? KernelIsa.Use512 : width == 256 ? IntDotDispatch.Use256 : true;

    /// <summary>Random weights of a 32-element block type with every block scale set to 1 (f16 0x3C00).</summary>
    private static byte[] UnitScaleWeights(GgmlType type, int elements, Random rng)
    {
        byte[] w = TestData.Row(type, elements, rng);
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        for (int i = 0; i < w.Length; i += blockBytes)
        {
            w[i] = 0x00;
            w[i + 1] = 0x3C;
        }

        return w;
    }

    /// <summary>Q8_0 activation blocks with scale 1 and random quants in [−127, 127].</summary>
    private static byte[] UnitScaleActivations(int blocks, Random rng)
    {
        byte[] xq = new byte[blocks * 34];
        for (int blk = 0; blk < blocks; blk++)
        {
            Span<byte> a = xq.AsSpan(blk * 34, 34);
            a[0] = 0x00;
            a[1] = 0x3C;
            for (int l = 0; l < 32; l++)
            {
                a[2 + l] = (byte)(sbyte)rng.Next(-127, 128);
            }
        }

        return xq;
    }

    private static byte[] Quantize(GgmlType type, float[] x, int n, int cols)
    {
        var xq = new byte[n * ActivationQuant.RowBytes(type, cols)];
        ActivationQuant.QuantizeRows(type, x, n, cols, xq, 0);
        return xq;
    }

    private static float Dot(GgmlType type, int width, byte[] w, byte[] xq, int cols)
    {
        delegate*<byte*, byte*, int, float> kernel = width switch
        {
            512 => IntDotDispatch.Kernel512(type),
            256 => IntDotDispatch.Kernel256(type),
            _ => IntDotDispatch.KernelScalar(type),
        };
        fixed (byte* pw = w)
        fixed (byte* px = xq)
        {
            return kernel(pw, px, cols);
        }
    }

    /// <summary>Σ |w_i·x_i| of the dequantized rows, plus the Q4_K/Q5_K minimum terms Σ |dmin·m·x_i|.</summary>
    private static double AbsSum(GgmlType type, byte[] w, byte[] xq, int cols)
    {
        var wf = new float[cols];
        var xf = new float[cols];
        DequantReference.DequantizeRow(type, w, wf);
        DequantReference.DequantizeRow(ActivationQuant.FormatFor(type), xq, xf);
        double abs = 0;
        for (int i = 0; i < cols; i++)
        {
            abs += Math.Abs((double)wf[i] * xf[i]);
        }

        if (type is GgmlType.Q4_K or GgmlType.Q5_K)
        {
            int bb = GgmlTypeInfo.BlockBytes(type);
            for (int b = 0; b < cols / 256; b++)
            {
                float dmin = (float)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(w, (b * bb) + 2));
                for (int i = 0; i < 256; i++)
                {
                    abs += Math.Abs((double)dmin * 63 * xf[(b * 256) + i]);
                }
            }
        }

        return abs;
    }
}
