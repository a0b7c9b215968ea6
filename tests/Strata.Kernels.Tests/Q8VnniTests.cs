// The run-time assembled AVX-512 VNNI Q8_0 kernels: encoding against GNU as, results against raw Q8_0 arithmetic, batch invariance.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Strata.Kernels.Jit;

namespace Strata.Kernels.Tests;

public sealed unsafe class Q8VnniTests
{
    [Fact]
    public void Assembler_EncodesAsGnuAsDoes()
    {
        // GNU as 2.x output for the same instructions, each forced to a 32-bit displacement ({disp32}); every form the
        // assembler emits, with high registers (zmm16–31, r8–r15), an index scaled by 1, 2 and 4, and an r12 base (SIB).
        const string expected =
            "62617c4810878000000062b17c4811bc484000000062e27d485884562400000062123d4050e262a17c485bf6" +
            "62413450599c932000000062124d40b8d262513d48efc0c5f8774881c7800400004981c1280001004c8d9c1600000000" +
            "4f8d94881000000048ffc962d17c48108c2440000000c3";
        var a = new Amd64Assembler();
        a.VmovupsLoad(24, new Mem(Gpr.Rdi, 0x80));
        a.VmovupsStore(new Mem(Gpr.Rax, 0x40, Gpr.R9, 2), 7);
        a.VpbroadcastdLoad(16, new Mem(Gpr.Rsi, 0x24, Gpr.Rdx, 2));
        a.Vpdpbusd(12, 24, 26);
        a.Vcvtdq2ps(22, 22);
        a.VmulpsBroadcast(27, 25, new Mem(Gpr.R11, 0x20, Gpr.Rdx, 4));
        a.Vfmadd231ps(10, 22, 26);
        a.Vpxord(8, 8, 8);
        a.Vzeroupper();
        a.AddImm(Gpr.Rdi, 0x480);
        a.AddImm(Gpr.R9, 0x10028);
        a.Lea(Gpr.R11, new Mem(Gpr.Rsi, 0, Gpr.Rdx, 1));
        a.Lea(Gpr.R10, new Mem(Gpr.R8, 0x10, Gpr.R9, 4));
        a.Dec(Gpr.Rcx);
        a.VmovupsLoad(1, new Mem(Gpr.R12, 0x40));
        a.Ret();
        Assert.Equal(expected, Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Assembler_EncodesVcvtph2psAsGnuAsDoes()
    {
        var a = new Amd64Assembler();
        a.Vcvtph2psLoad(2, new Mem(Gpr.Rdi, 0x20));
        a.Vcvtph2psLoad(17, new Mem(Gpr.R9, 0x20, Gpr.Rax, 2));
        Assert.Equal("62f27d48139720000000" + "62c27d48138c4120000000", Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Assembler_EncodesTheNibbleKernelsFormsAsGnuAsDoes()
    {
        // GNU as 2.x output: vpandd, vpsrlw imm, merge-masked vpaddb, vpbroadcastd from a GPR, mov r32 imm32, kmovq load.
        const string expected =
            "62815d40dbe062d17540dbd962b14d4071d4046291754871d60762815d41fce162f16544fcea62427d487cc262f27d487cd8" +
            "41ba0f0f0f0fb810101010c4e1f8908f00020000c4c1f890a118020000";
        var a = new Amd64Assembler();
        a.Vpandd(20, 20, 24);
        a.Vpandd(3, 17, 9);
        a.VpsrlwImm(22, 20, 4);
        a.VpsrlwImm(1, 30, 7);
        a.VpaddbMasked(20, 1, 20, 25);
        a.VpaddbMasked(5, 4, 19, 2);
        a.VpbroadcastdGpr(24, Gpr.R10);
        a.VpbroadcastdGpr(3, Gpr.Rax);
        a.MovImm32(Gpr.R10, 0x0F0F0F0F);
        a.MovImm32(Gpr.Rax, 0x10101010);
        a.KmovqLoad(1, new Mem(Gpr.Rdi, 0x200));
        a.KmovqLoad(4, new Mem(Gpr.R9, 0x218));
        Assert.Equal(expected, Convert.ToHexStringLower(a.ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.VpaddbMasked(0, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => a.KmovqLoad(1, new Mem(Gpr.Rdi, 0, Gpr.Rax, 1)));
    }

    [Fact]
    public void Assembler_EncodesTheKQuantKernelsFormsAsGnuAsDoes()
    {
        // GNU as 2.x output ({disp32} on the memory forms): vpdpbusd and vpdpwssd with a broadcast dword, vpmulld, vpaddd,
        // vpandd from memory, vpsrld imm from memory, vpternlogd, vpmovsxbd from memory, vsubps.
        const string expected =
            "62725d5050a62400000062d27550509c530401000062e2355852ae0601000062121d4840e462f2754040dd62c17d40fec4" +
            "62611540dba70010000062f11d407297401000000862d16d487291400000001a62030d4025e7ea62627d48219f001a0000" +
            "62b17c485cc1628164485cd7";
        var a = new Amd64Assembler();
        a.VpdpbusdBroadcast(12, 20, new Mem(Gpr.Rsi, 0x24));
        a.VpdpbusdBroadcast(3, 17, new Mem(Gpr.R11, 0x104, Gpr.Rdx, 2));
        a.VpdpwssdBroadcast(21, 9, new Mem(Gpr.Rsi, 0x106));
        a.Vpmulld(12, 12, 28);
        a.Vpmulld(3, 17, 5);
        a.Vpaddd(16, 16, 12);
        a.VpanddLoad(28, 29, new Mem(Gpr.Rdi, 0x1000));
        a.VpsrldImmLoad(28, new Mem(Gpr.Rdi, 0x1040), 8);
        a.VpsrldImmLoad(2, new Mem(Gpr.R9, 0x40), 26);
        a.Vpternlogd(28, 30, 31, 0xEA);
        a.VpmovsxbdLoad(27, new Mem(Gpr.Rdi, 0x1a00));
        a.Vsubps(0, 0, 17);
        a.Vsubps(18, 3, 31);
        Assert.Equal(expected, Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Assembler_EncodesTheHalfKernelsFormsAsGnuAsDoes()
    {
        // GNU as 2.x output ({disp32} on the memory forms): vcvtps2ph to memory, vaddps.
        var a = new Amd64Assembler();
        a.Vcvtps2phStore(new Mem(Gpr.Rdi, 0x20), 0, 0);
        a.Vcvtps2phStore(new Mem(Gpr.R9, 0x40), 17, 4);
        a.Vaddps(0, 0, 1);
        a.Vaddps(18, 3, 31);
        Assert.Equal("62f37d481d87200000000062c37d481d89400000000462f17c4858c16281644858d7", Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Assembler_JnzReachesBack_AndRejectsBadOperands()
    {
        var a = new Amd64Assembler();
        int top = a.Position;
        a.Dec(Gpr.Rcx);
        a.Jnz(top);
        Assert.Equal("48ffc90f85f7ffffff", Convert.ToHexStringLower(a.ToArray())); // rel32 = −9: back over both
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Vpxord(32, 0, 0));
        Assert.Throws<ArgumentException>(() => a.VmovupsLoad(0, new Mem(Gpr.Rax, 0, Gpr.Rsp, 1)));
        Assert.Throws<ArgumentException>(() => a.VmovupsLoad(0, new Mem(Gpr.Rax, 0, Gpr.Rcx, 3)));
    }

    [Fact]
    public void Supported_FollowsCpuid_OnLinuxX64WithAvx512()
    {
        bool cpu = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && KernelIsa.Use512 &&
                   (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;
        Assert.Equal(cpu, Q8Vnni.Supported);
    }

    [Fact]
    public void PeakGmacs_ShortRun_PositiveWhereSupportedElseZero()
    {
        double gmacs = Q8Vnni.PeakGmacs(threads: 2, iterations: 100_000);
        if (Q8Vnni.Supported)
        {
            Assert.True(double.IsFinite(gmacs) && gmacs > 0, $"expected a positive finite int8 peak, found {gmacs}");
        }
        else
        {
            Assert.Equal(0, gmacs);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Q8Vnni.PeakGmacs(threads: 0));
    }

    public static TheoryData<int, int> KernelCases()
    {
        var d = new TheoryData<int, int>();
        foreach (int cols in new[] { 32, 96, 576 })
        {
            for (int rows = 1; rows <= Q8Vnni.MaxRows; rows++)
            {
                d.Add(rows, cols);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(KernelCases))]
    public void Kernel_EqualsRawQ8Arithmetic_BitForBit(int rows, int cols)
    {
        if (!Q8Vnni.Supported)
        {
            return; // Supported_FollowsCpuid_OnLinuxX64WithAvx512 pins when this runs
        }

        // 45 weight rows: one whole panel and one with 13 rows past the matrix (zero weights).
        const int wRows = 45;
        var rng = new Random((rows * 1000) + cols);
        byte[] w = TestData.Row(GgmlType.Q8_0, wRows * cols, rng);
        byte[] xq = Quantize(TestData.Floats(rng, rows * cols), rows, cols);
        int panels = Q8Vnni.Panels(wRows);
        byte[] packed = new byte[Q8Vnni.PackedBytes(wRows, cols)];
        byte[] xp = new byte[rows * Q8Vnni.RowBytes(cols)];
        float[] y = new float[rows * panels * 32];
        int rowBytes = cols / 32 * 34;
        fixed (byte* pw = w, pp = packed, px = xq, pxp = xp)
        fixed (float* py = y)
        {
            Q8Vnni.Pack(pw, rowBytes, wRows, cols, 0, panels, pp);
            Q8Vnni.Prepare(px, rowBytes, rows, cols, pxp);
            for (int p = 0; p < panels; p++)
            {
                Q8Vnni.Kernel(rows)(pp + ((long)p * (cols / 32) * Q8Vnni.PanelBlockBytes), pxp, Q8Vnni.RowBytes(cols), cols / 32,
                    py + (p * 32), panels * 32 * sizeof(float));
            }

            for (int j = 0; j < rows; j++)
            {
                for (int i = 0; i < panels * 32; i++)
                {
                    float expected = i < wRows ? RawDot(pw + (i * rowBytes), px + (j * rowBytes), cols) : 0f;
                    float viaPack = Q8Vnni.Reference(pp + ((long)(i / 32) * (cols / 32) * Q8Vnni.PanelBlockBytes), i % 32, pxp + (j * Q8Vnni.RowBytes(cols)), cols);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(viaPack));
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(y[(j * panels * 32) + i]));
                }
            }
        }
    }

    [Fact]
    public void TryRawRow_VnniPanels_GiveBackEveryRowByteForByte()
    {
        // A copied model's tied embedding table is looked up from its packed output head: every row must be the file's.
        const int rows = 77, cols = 608;
        var rng = new Random(31);
        byte[] w = GC.AllocateArray<byte>(rows * cols / 32 * 34, pinned: true);
        TestData.Row(GgmlType.Q8_0, rows * cols, rng).CopyTo(w, 0);
        using var pool = new WorkerPool(1);
        fixed (byte* pw = w)
        {
            var raw = new WeightMatrix(GgmlType.Q8_0, (nint)pw, rows, cols);
            var row = new byte[cols / 32 * 34];
            Assert.False(Q8Packed.TryRawRow(in raw, 0, row)); // nothing packed
            if (!Q8Vnni.Supported)
            {
                return; // TryPack makes panels only where the kernels run
            }

            using Q8Packed? packed = Q8Packed.TryPack(pool, raw, Q8Layout.Vnni);
            Assert.NotNull(packed);
            var matrix = raw with { Packed = packed.Address, PackedLayout = Q8Layout.Vnni };
            for (int i = 0; i < rows; i++)
            {
                Assert.True(Q8Packed.TryRawRow(in matrix, i, row));
                Assert.True(row.AsSpan().SequenceEqual(w.AsSpan(i * row.Length, row.Length)), $"row {i}");
            }

            Assert.False(Q8Packed.TryRawRow(raw with { Packed = packed.Address, PackedLayout = Q8Layout.Tile }, 0, row));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MatMulQ8_VnniPacked_IsRawArithmetic_AndBatchInvariant(int threads)
    {
        if (!Q8Vnni.Supported)
        {
            return;
        }

        // 77 rows: two whole panels and a partial one; 19 blocks; n from 1 to 17 (every micro-kernel height, several tiles).
        const int rows = 77, cols = 608;
        var rng = new Random(17 + threads);
        byte[] w = GC.AllocateArray<byte>(rows * cols / 32 * 34, pinned: true);
        TestData.Row(GgmlType.Q8_0, rows * cols, rng).CopyTo(w, 0);
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var raw = new WeightMatrix(GgmlType.Q8_0, (nint)pw, rows, cols);
            using Q8Packed? packed = Q8Packed.TryPack(pool, raw);
            Assert.NotNull(packed);
            Assert.Equal(Q8Layout.Vnni, packed.Layout);
            Assert.Equal(Q8Vnni.PackedBytes(rows, cols), packed.Bytes);
            var matrix = raw with { Packed = packed.Address, PackedLayout = packed.Layout };
            byte[] all = Quantize(TestData.Floats(rng, 17 * cols), 17, cols);
            int xRow = cols / 32 * 34;
            var batch = new float[17 * rows];
            MatMulInt8.Run(pool, matrix, all, 17, batch, batchInvariant: true);
            for (int j = 0; j < 17; j++)
            {
                fixed (byte* px = all)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(RawDot(pw + (i * xRow), px + (j * xRow), cols)), BitConverter.SingleToInt32Bits(batch[(j * rows) + i]));
                    }
                }
            }

            for (int n = 1; n <= 16; n++)
            {
                var y = new float[n * rows];
                MatMulInt8.Run(pool, matrix, all.AsSpan(0, n * xRow), n, y);
                Assert.Equal(batch.AsSpan(0, n * rows).ToArray(), y);
            }

            // Grouped (Q/K/V-like) runs equal their separate runs, decode and batch.
            foreach (int n in new[] { 1, 7 })
            {
                var fused = GC.AllocateArray<float>(3 * n * rows, pinned: true);
                fixed (float* pf = fused)
                {
                    MatMulInt8.RunGroup(pool, [matrix, matrix, matrix], all.AsSpan(0, n * xRow), n, [(nint)pf, (nint)(pf + (n * rows)), (nint)(pf + (2 * n * rows))]);
                }

                for (int g = 0; g < 3; g++)
                {
                    Assert.Equal(batch.AsSpan(0, n * rows).ToArray(), fused.AsSpan(g * n * rows, n * rows).ToArray());
                }
            }
        }
    }

    /// <summary>The VNNI arithmetic straight from raw Q8_0 blocks: Σ₃₂ q_w · q_x exact, then fma((float)s, d_w · d_x, acc) per block.</summary>
    private static float RawDot(byte* w, byte* x, int cols)
    {
        float acc = 0;
        for (int b = 0; b < cols / 32; b++, w += 34, x += 34)
        {
            int s = 0;
            for (int k = 0; k < 32; k++)
            {
                s += ((sbyte*)w)[2 + k] * ((sbyte*)x)[2 + k];
            }

            acc = MathF.FusedMultiplyAdd(s, (float)BitConverter.UInt16BitsToHalf(*(ushort*)w) * (float)BitConverter.UInt16BitsToHalf(*(ushort*)x), acc);
        }

        return acc;
    }

    private static byte[] Quantize(float[] x, int n, int cols)
    {
        var xq = new byte[n * ActivationQuant.RowBytes(GgmlType.Q8_0, cols)];
        ActivationQuant.QuantizeRows(GgmlType.Q8_0, x, n, cols, xq, 0);
        return xq;
    }
}
