// F16 rows to the outer-product tile's transposed f32 chunk in one assembled routine: vcvtph2ps loads, register transposes.
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// The F16 side of <see cref="FloatOuterTile512.Transpose32Half"/> with vcvtph2ps, the exact f16 → f32 conversion in one
/// instruction (.NET 10 does not expose its EVEX form), assembled at run time (<see cref="Amd64Assembler"/>). The vector
/// conversion <see cref="FloatDots.LoadHalf16"/> takes eight instructions per 16 halves and the C# 16 × 16 transpose
/// spills its 16 intermediate rows to the stack; here 16 rows stay in zmm0–15 and the shuffles use zmm16–20. The
/// output is bit for bit that of the vector code (both conversions are exact; the shuffles only move bits), except that
/// a signaling-NaN half comes out as a quiet NaN, as the instruction converts it.
/// </summary>
internal static unsafe class HalfTranspose512
{
    private static readonly nint s_kernel = Assemble();

    /// <summary>True where the routine runs: Linux x86-64 with AVX-512 in use and executable pages allowed.</summary>
    public static bool Supported { get; } = s_kernel != 0;

    /// <summary>
    /// wt[k·32 + r] = rows[r][k] as f32 for r &lt; 32 and k &lt; kn (a multiple of 16), rows <paramref name="rowBytes"/>
    /// apart. Only where <see cref="Supported"/>.
    /// </summary>
    public static void Transpose32(ushort* rows, nint rowBytes, int kn, float* wt)
    {
        var kernel = (delegate* unmanaged[SuppressGCTransition]<ushort*, nint, nint, float*, void>)s_kernel;
        nint blocks = kn / 16;
        if (blocks == 0)
        {
            return;
        }

        kernel(rows, rowBytes, blocks, wt);
        kernel((ushort*)((byte*)rows + (16 * rowBytes)), rowBytes, blocks, wt + 16);
    }

    private static nint Assemble()
    {
        if (!ExecutableCode.Supported || !KernelIsa.Use512)
        {
            return 0;
        }

        try
        {
            return ExecutableCode.Place(Generate());
        }
        catch (InvalidOperationException)
        {
            // mmap or mprotect refused (a policy against executable anonymous pages): the vector code serves.
            return 0;
        }
    }

    /// <summary>
    /// (rdi = 16 f16 rows, rsi = their stride in bytes, rdx = blocks of 16 columns ≥ 1, rcx = dst): for each block, dst
    /// [c·32 + i] = row i column c for i, c &lt; 16 (128-byte dst rows), then rdi += 32 bytes and rcx += 2048.
    /// </summary>
    internal static byte[] Generate()
    {
        var a = new Amd64Assembler();
        a.Lea(Gpr.R8, new Mem(Gpr.Rsi, 0, Gpr.Rsi, 2)); // 3 · stride
        int top = a.Position;

        // Row 4q + m at [p_q + m · stride]: p_0 = rdi, p_1 = rdi + 4s (r9), p_2 = rdi + 8s (r10), p_3 = r9 + 8s (r11).
        a.Lea(Gpr.R9, new Mem(Gpr.Rdi, 0, Gpr.Rsi, 4));
        a.Lea(Gpr.R10, new Mem(Gpr.Rdi, 0, Gpr.Rsi, 8));
        a.Lea(Gpr.R11, new Mem(Gpr.R9, 0, Gpr.Rsi, 8));
        Gpr[] bases = [Gpr.Rdi, Gpr.R9, Gpr.R10, Gpr.R11];
        for (int q = 0; q < 4; q++)
        {
            a.Vcvtph2psLoad(4 * q, new Mem(bases[q]));
            a.Vcvtph2psLoad((4 * q) + 1, new Mem(bases[q], 0, Gpr.Rsi, 1));
            a.Vcvtph2psLoad((4 * q) + 2, new Mem(bases[q], 0, Gpr.Rsi, 2));
            a.Vcvtph2psLoad((4 * q) + 3, new Mem(bases[q], 0, Gpr.R8, 1));
        }

        // As FloatOuterTile512.Transpose16: 32-bit then 64-bit interleaves within each group of four rows, in place.
        for (int q = 0; q < 4; q++)
        {
            int z = 4 * q;
            a.Vunpcklps(16, z, z + 1);
            a.Vunpckhps(17, z, z + 1);
            a.Vunpcklps(18, z + 2, z + 3);
            a.Vunpckhps(19, z + 2, z + 3);
            a.Vunpcklpd(z, 16, 18);
            a.Vunpckhpd(z + 1, 16, 18);
            a.Vunpcklpd(z + 2, 17, 19);
            a.Vunpckhpd(z + 3, 17, 19);
        }

        // Then the 4 × 4 transpose of 128-bit lanes across the groups; column 4L + m goes to dst row 4L + m.
        for (int m = 0; m < 4; m++)
        {
            a.Vshuff32x4(16, m, 4 + m, 0x44);
            a.Vshuff32x4(17, m, 4 + m, 0xEE);
            a.Vshuff32x4(18, 8 + m, 12 + m, 0x44);
            a.Vshuff32x4(19, 8 + m, 12 + m, 0xEE);
            Store(a, 16, 18, 0x88, m);
            Store(a, 16, 18, 0xDD, 4 + m);
            Store(a, 17, 19, 0x88, 8 + m);
            Store(a, 17, 19, 0xDD, 12 + m);
        }

        a.AddImm(Gpr.Rdi, 32);
        a.AddImm(Gpr.Rcx, 16 * FloatOuterTile512.Rows * sizeof(float));
        a.Dec(Gpr.Rdx);
        a.Jnz(top);
        a.Vzeroupper();
        a.Ret();
        return a.ToArray();
    }

    private static void Store(Amd64Assembler a, int lo, int hi, byte imm, int dstRow)
    {
        a.Vshuff32x4(20, lo, hi, imm);
        a.VmovupsStore(new Mem(Gpr.Rcx, dstRow * FloatOuterTile512.Rows * sizeof(float)), 20);
    }
}
