// The run-time assembled VNNI kernels over Q6_K level panels: bit for bit against IntKDots512.Q6KTileRow (the tile's
// arithmetic) and the scalar reference, for every row count, so a row's result never depends on the batch.
using System.Runtime.InteropServices;
using Strata.Kernels.Jit;

namespace Strata.Kernels.Tests;

public sealed unsafe class Q6KVnniTests
{
    [Fact]
    public void Assembler_EncodesPrefetcht1AsGnuAsDoes()
    {
        // GNU as 2.40 output ({disp32}): prefetcht1 byte ptr [rdi+0x3480], [r9+0x40], [rsi+rdx*2+0x10], [r12+0x40] (SIB),
        // [rax+r11*4+0x8] (REX.X), [r13+r14*8-0x40].
        const string expected =
            "0f189780340000410f1891400000000f18945610000000410f18942440000000420f18949808000000430f1894f5c0ffffff";
        var a = new Amd64Assembler();
        a.Prefetcht1(new Mem(Gpr.Rdi, 0x3480));
        a.Prefetcht1(new Mem(Gpr.R9, 0x40));
        a.Prefetcht1(new Mem(Gpr.Rsi, 0x10, Gpr.Rdx, 2));
        a.Prefetcht1(new Mem(Gpr.R12, 0x40));
        a.Prefetcht1(new Mem(Gpr.Rax, 0x8, Gpr.R11, 4));
        a.Prefetcht1(new Mem(Gpr.R13, -0x40, Gpr.R14, 8));
        Assert.Equal(expected, Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Applies_Q6KWithWholeSuperBlocks_WhereTheKernelsRun()
    {
        Assert.Equal(Q6KVnni.Supported, Q6KVnni.Applies(GgmlType.Q6_K, 256));
        Assert.Equal(Q6KVnni.Supported, Q6KVnni.Applies(GgmlType.Q6_K, 5632));
        Assert.False(Q6KVnni.Applies(GgmlType.Q6_K, 0));
        Assert.False(Q6KVnni.Applies(GgmlType.Q6_K, 288));
        Assert.False(Q6KVnni.Applies(GgmlType.Q4_K, 2048));
        Assert.False(Q6KVnni.Applies(GgmlType.Q8_0, 2048));
        if (Q8Vnni.Supported)
        {
            Assert.True(Q6KVnni.Supported, "the Q6_K kernels assemble wherever the Q8_0 ones do");
        }
    }

    [Fact]
    public void PackedBytes_AreTheRawSizeOfWholePanels()
    {
        Assert.Equal(32 * 210, Q6KVnni.BlockBytes);
        Assert.Equal(64L * GgmlTypeInfo.RowBytes(GgmlType.Q6_K, 5632), Q6KVnni.PackedBytes(64, 5632));
        Assert.Equal(96L * GgmlTypeInfo.RowBytes(GgmlType.Q6_K, 2048), Q6KVnni.PackedBytes(75, 2048)); // a partial panel padded
        Assert.Equal(22 * Q6KVnni.XBlockBytes, Q6KVnni.RowBytes(5632));
    }

    [Fact]
    public void UnpackRow_GivesBackEveryRowByteForByte()
    {
        // Packing is lossless whether or not the kernels run: every row comes back as the file held it.
        const int rows = 45, cols = 512;
        int rowBytes = (int)GgmlTypeInfo.RowBytes(GgmlType.Q6_K, cols);
        byte[] w = TestData.Row(GgmlType.Q6_K, rows * cols, new Random(6));
        byte[] packed = new byte[Q6KVnni.PackedBytes(rows, cols)];
        var row = new byte[rowBytes];
        fixed (byte* pw = w, pp = packed, pr = row)
        {
            Q6KVnni.Pack(pw, rowBytes, rows, cols, 0, Q8Vnni.Panels(rows), pp);
            for (int i = 0; i < rows; i++)
            {
                Q6KVnni.UnpackRow(pp, cols, i, pr);
                Assert.True(row.AsSpan().SequenceEqual(w.AsSpan(i * rowBytes, rowBytes)), $"row {i}");
            }
        }
    }

    [Theory]
    [InlineData(256)]
    [InlineData(2048)]
    [InlineData(5632)] // TinyLlama's ffn width
    public void Kernel_EveryRowCount_EqualsQ6KTileRowBitForBit(int cols)
    {
        if (!Q6KVnni.Supported)
        {
            Assert.False(Q6KVnni.Applies(GgmlType.Q6_K, cols));
            return;
        }

        // 75 weight rows: two whole panels and one with 21 rows past the matrix (zero levels, scales and d).
        const int rows = 75, n = Q6KVnni.MaxRows + 1;
        int nb = cols / 256, panels = Q8Vnni.Panels(rows);
        int rowBytes = (int)GgmlTypeInfo.RowBytes(GgmlType.Q6_K, cols);
        int xRow = (int)ActivationQuant.RowBytes(GgmlType.Q6_K, cols);
        int xpRow = Q6KVnni.RowBytes(cols);
        var rng = new Random(cols);
        byte[] w = TestData.Row(GgmlType.Q6_K, rows * cols, rng);
        var xq = new byte[n * xRow];
        ActivationQuant.QuantizeRows(GgmlType.Q6_K, TestData.Floats(rng, n * cols, 3f), n, cols, xq);
        byte* packed = (byte*)NativeMemory.AlignedAlloc((nuint)Q6KVnni.PackedBytes(rows, cols), 64);
        byte* xp = (byte*)NativeMemory.AlignedAlloc((nuint)(n * xpRow), 64);
        try
        {
            fixed (byte* pw = w, px = xq)
            {
                Q6KVnni.Pack(pw, rowBytes, rows, cols, 0, panels, packed);
                Q6KVnni.Prepare(px, xRow, n, cols, xp);
                float* scratch = stackalloc float[Q6KVnni.MaxRows * Q8Vnni.PanelRows];
                for (int kr = 1; kr <= Q6KVnni.MaxRows; kr++)
                {
                    int first = (kr + 1) % 2; // both parities of the first row's place
                    var y = new float[kr * rows];
                    fixed (float* py = y)
                    {
                        for (int p = 0; p < panels; p++)
                        {
                            byte* wp = packed + ((long)p * nb * Q6KVnni.BlockBytes);
                            int i0 = p * Q8Vnni.PanelRows;
                            if (i0 + Q8Vnni.PanelRows <= rows)
                            {
                                Q6KVnni.Kernel(kr)(wp, xp + (first * xpRow), xpRow, nb, py + i0, rows * sizeof(float));
                                continue;
                            }

                            Q6KVnni.Kernel(kr)(wp, xp + (first * xpRow), xpRow, nb, scratch, Q8Vnni.PanelRows * sizeof(float));
                            for (int t = 0; t < kr; t++)
                            {
                                new ReadOnlySpan<float>(scratch + (t * Q8Vnni.PanelRows), rows - i0).CopyTo(new Span<float>(py + (t * rows) + i0, rows - i0));
                                for (int lane = rows - i0; lane < Q8Vnni.PanelRows; lane++)
                                {
                                    Assert.Equal(0, BitConverter.SingleToInt32Bits(scratch[(t * Q8Vnni.PanelRows) + lane]));
                                }
                            }
                        }
                    }

                    for (int t = 0; t < kr; t++)
                    {
                        int j = first + t;
                        for (int i = 0; i < rows; i++)
                        {
                            float tile = IntKDots512.Q6KTileRow(pw + (i * rowBytes), px + (j * xRow), nb);
                            float reference = Q6KVnni.Reference(pw + (i * rowBytes), xp + (j * xpRow), cols);
                            float got = y[(t * rows) + i];
                            Assert.True(BitConverter.SingleToInt32Bits(tile) == BitConverter.SingleToInt32Bits(got),
                                $"cols={cols} kernel rows={kr} activation row {j} out {i}: Q6KTileRow {tile:R}, kernel {got:R}");
                            Assert.True(BitConverter.SingleToInt32Bits(tile) == BitConverter.SingleToInt32Bits(reference),
                                $"cols={cols} activation row {j} out {i}: Q6KTileRow {tile:R}, Reference {reference:R}");
                        }
                    }

                    // Within the integer dots' rounding of llama.cpp's generic arithmetic (a sanity check of the levels).
                    for (int t = 0; t < kr; t++)
                    {
                        int j = first + t;
                        for (int i = 0; i < rows; i++)
                        {
                            double dot = IntDotReference.Dot(GgmlType.Q6_K, w.AsSpan(i * rowBytes, rowBytes), xq.AsSpan(j * xRow, xRow), cols);
                            float got = y[(t * rows) + i];
                            Assert.True(Math.Abs(dot - got) <= 1e-4 * (1 + Math.Abs(dot)), $"cols={cols} row {j} out {i}: {got} against the integer reference {dot}");
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
            NativeMemory.AlignedFree(xp);
        }
    }

    [Theory]
    [InlineData(2048, 2)]
    [InlineData(5632, 1)]
    public void PackedProduct_EveryBatchSize_EqualsQ6KTileRowBitForBit_AndGivesRawRowsBack(int cols, int threads)
    {
        if (!Q6KVnni.Supported)
        {
            Assert.False(Q8Packed.Applies(new WeightMatrix(GgmlType.Q6_K, 1, 75, cols), Q8Layout.Vnni));
            return;
        }

        const int rows = 75, maxN = 13;
        var rng = new Random(cols + 11);
        byte[] w = TestData.Row(GgmlType.Q6_K, rows * cols, rng);
        float[] x = TestData.Floats(rng, maxN * cols);
        int xRow = (int)ActivationQuant.RowBytes(GgmlType.Q6_K, cols);
        var xq = new byte[maxN * xRow];
        ActivationQuant.QuantizeRows(GgmlType.Q6_K, x, maxN, cols, xq);
        int wRow = (int)GgmlTypeInfo.RowBytes(GgmlType.Q6_K, cols);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        fixed (byte* px = xq)
        {
            var raw = new WeightMatrix(GgmlType.Q6_K, (nint)pw, rows, cols);
            using Q8Packed packed = Q8Packed.TryPack(pool, in raw, Q8Layout.Vnni)!;
            Assert.Equal(Q6KVnni.PackedBytes(rows, cols), packed.Bytes);
            var m = raw with { Packed = packed.Address, PackedLayout = Q8Layout.Vnni };
            var expected = new float[maxN * rows];
            for (int j = 0; j < maxN; j++)
            {
                for (int i = 0; i < rows; i++)
                {
                    expected[(j * rows) + i] = IntKDots512.Q6KTileRow(pw + (i * wRow), px + (j * xRow), cols / 256);
                }
            }

            foreach (int n in new[] { 1, 2, 5, 6, 7, 11, 13 })
            {
                int first = n == maxN ? 0 : (n % 3);
                var y = new float[n * rows];
                MatMulInt8.Run(pool, m, xq.AsSpan(first * xRow, n * xRow), n, y);
                for (int i = 0; i < y.Length; i++)
                {
                    float e = expected[(first * rows) + i];
                    Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(y[i]),
                        $"cols={cols} n={n} row {i / rows} out {i % rows}: expected {e:R}, got {y[i]:R}");
                }
            }

            // A table whose raw rows were dropped reads them back from the panels, byte for byte.
            Assert.True(Q8Packed.UnpacksRows(in m));
            var back = new byte[wRow];
            foreach (int row in new[] { 0, 31, 32, 74 })
            {
                Assert.True(Q8Packed.TryRawRow(in m, row, back));
                Assert.True(back.AsSpan().SequenceEqual(w.AsSpan(row * wRow, wRow)), $"row {row}");
            }
        }
    }
}
