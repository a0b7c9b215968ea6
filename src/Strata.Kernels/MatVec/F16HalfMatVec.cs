// F16 decode in the fast numerics: the activation row rounded to halves once per product, as llama.cpp computes.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// F16 weights · an activation row rounded to f16 (llama.cpp's arithmetic for F16 weights: its vec_dot type for F16 is
/// F16), for one-row decode in the fast numerics. Both operands are widened with vcvtph2ps, which .NET 10 does not
/// expose on Zen 4, so the kernels are assembled at run time (<see cref="Amd64Assembler"/>): the row conversion
/// (vcvtps2ph, to nearest even) and the dot. The f16 row is half the f32 one, so a 5632-wide row (11 KiB) stays in L1
/// beside the weight stream, where the exact kernel's f32 row (22 KiB, <see cref="F16MatVec512"/>) did not.
/// </summary>
/// <remarks>
/// Arithmetic of one output, for every row: four chains of f32 FMAs over the columns 64 at a time (chain k takes columns
/// 64j + 16k … 64j + 16k + 15 of each group j), added as (c0 + c1) + (c2 + c3), then the 16 lanes summed by
/// <see cref="Reduce512.Sum(Vector512{float})"/>. An activation beyond the half range becomes ±∞, as in llama.cpp.
/// </remarks>
internal static unsafe class F16HalfMatVec
{
    private static readonly nint[] s_kernels = Assemble();

    /// <summary>True where the kernels run: AVX-512 in use and executable pages granted.</summary>
    public static bool Supported { get; } = s_kernels[0] != 0;

    /// <summary>True where a row of <paramref name="cols"/> halves takes the kernel: whole groups of 64 columns.</summary>
    public static bool Applies(int cols) => Supported && cols > 0 && cols % 64 == 0;

    /// <summary>The row x (n floats, n a multiple of 64) rounded to halves into the calling thread's buffer.</summary>
    public static ushort* Prepare(float* x, int n)
    {
        ushort* d = (ushort*)ThreadBuffer.Activations(n * sizeof(ushort));
        ((delegate* unmanaged[SuppressGCTransition]<float*, ushort*, nint, void>)s_kernels[0])(x, d, n / 16);
        return d;
    }

    /// <summary>One output: the f16 row w · the prepared half row xh (n columns, a multiple of 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, float* xh, float* unused, int n)
    {
        Vector512<float> lanes;
        ((delegate* unmanaged[SuppressGCTransition]<byte*, float*, nint, Vector512<float>*, void>)s_kernels[1])(w, xh, n / 64, &lanes);
        return Reduce512.Sum(lanes);
    }

    /// <summary>Scalar reference of <see cref="Dot"/>'s arithmetic (halves at w and xh, n columns), for tests.</summary>
    public static float Reference(ushort* w, ushort* xh, int n)
    {
        var chains = new float[4 * 16];
        for (int j = 0; j < n / 64; j++)
        {
            for (int k = 0; k < 4; k++)
            {
                for (int l = 0; l < 16; l++)
                {
                    int c = (64 * j) + (16 * k) + l;
                    chains[(16 * k) + l] = MathF.FusedMultiplyAdd((float)BitConverter.UInt16BitsToHalf(w[c]), (float)BitConverter.UInt16BitsToHalf(xh[c]), chains[(16 * k) + l]);
                }
            }
        }

        var lanes = new float[16];
        for (int l = 0; l < 16; l++)
        {
            lanes[l] = (chains[l] + chains[16 + l]) + (chains[32 + l] + chains[48 + l]);
        }

        return Reduce512.Sum(Vector512.Create(lanes));
    }

    private static nint[] Assemble()
    {
        var kernels = new nint[2];
        if (!ExecutableCode.Supported || !KernelIsa.Use512)
        {
            return kernels;
        }

        try
        {
            kernels[0] = ExecutableCode.Place(GenerateConvert());
            kernels[1] = ExecutableCode.Place(GenerateDot());
        }
        catch (InvalidOperationException)
        {
            Array.Clear(kernels);
        }

        return kernels;
    }

    /// <summary>rdi = floats, rsi = halves out, rdx = groups of 16.</summary>
    internal static byte[] GenerateConvert()
    {
        var a = new Amd64Assembler();
        int top = a.Position;
        a.VmovupsLoad(0, new Mem(Gpr.Rdi));
        a.Vcvtps2phStore(new Mem(Gpr.Rsi), 0, 0);
        a.AddImm(Gpr.Rdi, 64);
        a.AddImm(Gpr.Rsi, 32);
        a.Dec(Gpr.Rdx);
        a.Jnz(top);
        a.Vzeroupper();
        a.Ret();
        return a.ToArray();
    }

    /// <summary>rdi = f16 weight row, rsi = f16 activation row, rdx = groups of 64 columns, rcx = 16 floats out.</summary>
    internal static byte[] GenerateDot()
    {
        var a = new Amd64Assembler();
        for (int k = 0; k < 4; k++)
        {
            a.Vpxord(k, k, k);
        }

        int top = a.Position;
        a.Prefetcht1(new Mem(Gpr.Rdi, StreamPrefetch.Ahead));
        a.Prefetcht1(new Mem(Gpr.Rdi, StreamPrefetch.Ahead + 64));
        for (int k = 0; k < 4; k++)
        {
            a.Vcvtph2psLoad(4 + k, new Mem(Gpr.Rdi, 32 * k));
            a.Vcvtph2psLoad(8 + k, new Mem(Gpr.Rsi, 32 * k));
            a.Vfmadd231ps(k, 4 + k, 8 + k);
        }

        a.AddImm(Gpr.Rdi, 128);
        a.AddImm(Gpr.Rsi, 128);
        a.Dec(Gpr.Rdx);
        a.Jnz(top);
        a.Vaddps(0, 0, 1);
        a.Vaddps(2, 2, 3);
        a.Vaddps(0, 0, 2);
        a.VmovupsStore(new Mem(Gpr.Rcx), 0);
        a.Vzeroupper();
        a.Ret();
        return a.ToArray();
    }
}
