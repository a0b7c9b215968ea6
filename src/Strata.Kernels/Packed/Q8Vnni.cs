// Q8_0 × Q8_0 products on AVX-512 VNNI: weights packed 32 output rows to a panel, micro-kernels assembled at run time.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// The 8-bit-activation product of Q8_0 weights with vpdpbusd, which sums four u8 · s8 products into each int32 lane
/// in one instruction (64 multiply-adds per instruction against 16 for an f32 FMA). .NET 10 exposes no AVX-512 VNNI
/// intrinsic, so the micro-kernels are assembled at run time (<see cref="Amd64Assembler"/>) for 1 to
/// <see cref="MaxRows"/> activation rows × 32 weight rows.
/// </summary>
/// <remarks>
/// <para>Arithmetic of one output y[j, i] (activation row j, weight row i), the same for every kernel and for
/// <see cref="Reference"/>, so a row's result never depends on the rows beside it: for each block b in order,
/// s = Σ₃₂ q_w · q_x (exact int32), acc = fma((float)s, d_w · d_x, acc), from acc = 0. The weights are stored as
/// u8 = q_w + 128 (vpdpbusd's unsigned operand) and the activation block's 128 · Σ q_x starts the int32 sum negated,
/// which takes the offset back out exactly.</para>
/// <para>Packed weights, panel p (weight rows 32p … 32p + 31), block b, at (p · nb + b) · 1088: eight 128-byte groups
/// kq = 0 … 7, each the 4 bytes k = 4kq … 4kq + 3 of rows 0–15 then of rows 16–31 (one zmm each), then the 32 f16
/// scales as in the file (the kernel widens them with vcvtph2ps, exactly), so the copy is the raw matrix's size. Rows
/// past the matrix are zero weights with scale 0.</para>
/// <para>Prepared activation row, block b at 40b: the 32 quants, d_x as f32, −128 · Σ q_x as int32.</para>
/// </remarks>
internal static unsafe class Q8Vnni
{
    /// <summary>Most activation rows one micro-kernel call takes.</summary>
    public const int MaxRows = 6;

    /// <summary>Weight rows per panel.</summary>
    public const int PanelRows = 32;

    /// <summary>Bytes of one panel block: 1024 quant bytes and 32 f16 scales, as many as 32 raw Q8_0 blocks.</summary>
    public const int PanelBlockBytes = 1088;

    /// <summary>Bytes of one prepared activation block.</summary>
    public const int XBlockBytes = 40;

    private static readonly nint[] s_kernels = Assemble();

    /// <summary>
    /// True where the kernels run: Linux x86-64, AVX-512 F/BW in use, the CPU reports AVX-512 VNNI (CPUID 7.0 ECX bit
    /// 11), and the kernels could be placed in executable pages (a policy that forbids that leaves the path off).
    /// Whether a model uses the path is the compiler's option (CompileOptions.Vnni), not this property: a matrix takes
    /// it only when its packed copy is in <see cref="Q8Layout.Vnni"/>.
    /// </summary>
    public static bool Supported { get; } = s_kernels[1] != 0;

    /// <summary>Panels of a matrix with <paramref name="rows"/> weight rows.</summary>
    public static int Panels(int rows) => (rows + PanelRows - 1) / PanelRows;

    /// <summary>Bytes of the packed copy of a rows × cols matrix.</summary>
    public static long PackedBytes(int rows, int cols) => (long)Panels(rows) * (cols / 32) * PanelBlockBytes;

    /// <summary>Bytes of one prepared activation row.</summary>
    public static int RowBytes(int cols) => cols / 32 * XBlockBytes;

    /// <summary>The micro-kernel for 1 … <see cref="MaxRows"/> activation rows: (w, x, xStride, nb, y, yStride).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void> Kernel(int rows) =>
        (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void>)s_kernels[rows];

    /// <summary>Packs panels [p0, p1) of the Q8_0 matrix (raw rows rowBytes apart) into dst (<see cref="PackedBytes"/> in all).</summary>
    public static void Pack(byte* raw, nint rowBytes, int rows, int cols, int p0, int p1, byte* dst)
    {
        int nb = cols / 32;
        for (int p = p0; p < p1; p++)
        {
            for (int b = 0; b < nb; b++)
            {
                byte* block = dst + (((long)p * nb) + b) * PanelBlockBytes;
                ushort* scales = (ushort*)(block + 1024);
                for (int lane = 0; lane < PanelRows; lane++)
                {
                    int i = (p * PanelRows) + lane;
                    byte* q = block + ((lane >> 4) * 64) + ((lane & 15) * 4);
                    if (i >= rows)
                    {
                        for (int kq = 0; kq < 8; kq++)
                        {
                            *(uint*)(q + (kq * 128)) = 0x80808080u;
                        }

                        scales[lane] = 0;
                        continue;
                    }

                    byte* src = raw + (i * rowBytes) + (b * 34);
                    for (int kq = 0; kq < 8; kq++)
                    {
                        *(uint*)(q + (kq * 128)) = *(uint*)(src + 2 + (kq * 4)) ^ 0x80808080u;
                    }

                    scales[lane] = *(ushort*)src;
                }
            }
        }
    }

    /// <summary>
    /// The inverse of <see cref="Pack"/> for one row: writes weight row <paramref name="row"/>'s raw Q8_0 blocks (f16 scale,
    /// 32 quants; 34 bytes each, cols / 32 of them) to <paramref name="raw"/>, byte for byte as the file held them.
    /// </summary>
    public static void UnpackRow(byte* packed, int cols, int row, byte* raw)
    {
        int nb = cols / 32;
        int lane = row % PanelRows;
        byte* panel = packed + ((long)(row / PanelRows) * nb * PanelBlockBytes);
        for (int b = 0; b < nb; b++)
        {
            byte* block = panel + ((long)b * PanelBlockBytes);
            byte* q = block + ((lane >> 4) * 64) + ((lane & 15) * 4);
            byte* dst = raw + (b * 34);
            *(ushort*)dst = ((ushort*)(block + 1024))[lane];
            for (int kq = 0; kq < 8; kq++)
            {
                *(uint*)(dst + 2 + (kq * 4)) = *(uint*)(q + (kq * 128)) ^ 0x80808080u;
            }
        }
    }

    /// <summary>Prepares n Q8_0 activation rows (34-byte blocks, rows srcRowBytes apart) into dst (rows <see cref="RowBytes"/> apart).</summary>
    public static void Prepare(byte* src, nint srcRowBytes, int n, int cols, byte* dst) => Prepare(src, srcRowBytes, n, cols, dst, 128);

    /// <summary>
    /// As <see cref="Prepare(byte*, nint, int, int, byte*)"/>, each block's int32 starting at −offset · Σ q_x: 128 for
    /// these kernels' q + 128 weights, 8 or 16 for <see cref="Q4Vnni"/>'s unsigned Q4_0/Q5_0 levels.
    /// </summary>
    public static void Prepare(byte* src, nint srcRowBytes, int n, int cols, byte* dst, int offset)
    {
        int nb = cols / 32;
        for (int j = 0; j < n; j++)
        {
            byte* x = src + (j * srcRowBytes);
            byte* d = dst + ((nint)j * RowBytes(cols));
            for (int b = 0; b < nb; b++, x += 34, d += XBlockBytes)
            {
                Vector256<sbyte> q = Vector256.Load((sbyte*)(x + 2));
                q.Store((sbyte*)d);
                *(float*)(d + 32) = HalfScale.Read(x);
                *(int*)(d + 36) = -offset * Sum(q);
            }
        }
    }

    /// <summary>
    /// Scalar reference of one output (packed panel at w, lane 0 … 31; prepared row at x): the kernels' arithmetic
    /// step for step, for tests.
    /// </summary>
    public static float Reference(byte* w, int lane, byte* x, int cols)
    {
        int nb = cols / 32;
        float acc = 0;
        for (int b = 0; b < nb; b++, w += PanelBlockBytes, x += XBlockBytes)
        {
            int s = *(int*)(x + 36);
            byte* q = w + ((lane >> 4) * 64) + ((lane & 15) * 4);
            for (int kq = 0; kq < 8; kq++)
            {
                for (int t = 0; t < 4; t++)
                {
                    s += q[(kq * 128) + t] * ((sbyte*)x)[(kq * 4) + t];
                }
            }

            float dw = (float)BitConverter.UInt16BitsToHalf(((ushort*)(w + 1024))[lane]);
            acc = MathF.FusedMultiplyAdd(s, dw * *(float*)(x + 32), acc);
        }

        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Sum(Vector256<sbyte> q)
    {
        (Vector256<short> lo, Vector256<short> hi) = Vector256.Widen(q);
        return Vector256.Sum(lo + hi);
    }

    private static bool Detect()
    {
        if (!ExecutableCode.Supported || !KernelIsa.Use512)
        {
            return false;
        }

        return (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;
    }

    private static nint[] Assemble()
    {
        var kernels = new nint[MaxRows + 1];
        if (!Detect())
        {
            return kernels;
        }

        try
        {
            for (int rows = 1; rows <= MaxRows; rows++)
            {
                kernels[rows] = ExecutableCode.Place(Generate(rows));
            }
        }
        catch (InvalidOperationException)
        {
            // mmap or mprotect refused (e.g. a policy against executable anonymous pages): the tile path serves.
            Array.Clear(kernels);
        }

        return kernels;
    }

    /// <summary>
    /// The int8 multiply-accumulate peak of <paramref name="threads"/> threads together in GMAC/s (1e9 u8 · s8
    /// products summed into int32 per second): twelve independent vpdpbusd chains per thread, the best of three timed
    /// runs of <paramref name="iterations"/> steps each, timed by <see cref="Substrate.ChainProbe"/>; 0 where the kernels do not run. The
    /// compute roof of the VNNI products, as <c>ComputeProbe</c> measures the f32 FMA one.
    /// </summary>
    public static double PeakGmacs(int threads, long iterations = 20_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (!Supported)
        {
            return 0;
        }

        return Substrate.ChainProbe.Gmacs((delegate* unmanaged<long, void>)s_peak.Value, 12.0 * 64, threads, iterations, 3);
    }

    private static readonly Lazy<nint> s_peak = new(() =>
    {
        // rdi = iterations: 12 chains zmm0–11 += u8(zmm30) · s8(zmm31), 64 products each per step.
        var a = new Amd64Assembler();
        for (int z = 0; z < 12; z++)
        {
            a.Vpxord(z, z, z);
        }

        a.Vpxord(30, 30, 30);
        a.Vpxord(31, 31, 31);
        int top = a.Position;
        for (int z = 0; z < 12; z++)
        {
            a.Vpdpbusd(z, 30, 31);
        }

        a.Dec(Gpr.Rdi);
        a.Jnz(top);
        a.Vzeroupper();
        a.Ret();
        return ExecutableCode.Place(a.ToArray());
    });

    /// <summary>
    /// The micro-kernel for <paramref name="rows"/> activation rows × one 32-row weight panel over all nb blocks.
    /// System V arguments: rdi = packed panel, rsi = prepared row 0, rdx = prepared row stride, rcx = nb,
    /// r8 = y of row 0 (32 floats written per row), r9 = y row stride in bytes.
    /// </summary>
    /// <remarks>
    /// zmm0–11 hold the f32 sums (row r: 2r, 2r + 1), zmm12–23 the int32 block sums, zmm24/25 the weight quants then
    /// scales, zmm26–31 the broadcast activation quads, then the scale products.
    /// </remarks>
    internal static byte[] Generate(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        var a = new Amd64Assembler();
        a.Lea(Gpr.R11, new Mem(Gpr.Rsi, 0, Gpr.Rdx, 1));
        a.Lea(Gpr.Rax, new Mem(Gpr.R8, 0, Gpr.R9, 1));
        for (int z = 0; z < 2 * rows; z++)
        {
            a.Vpxord(z, z, z);
        }

        int top = a.Position;
        for (int r = 0; r < rows; r++)
        {
            a.VpbroadcastdLoad(12 + (2 * r), Row(r, 36));
            a.VpbroadcastdLoad(13 + (2 * r), Row(r, 36));
        }

        for (int kq = 0; kq < 8; kq++)
        {
            a.VmovupsLoad(24, new Mem(Gpr.Rdi, kq * 128));
            a.VmovupsLoad(25, new Mem(Gpr.Rdi, (kq * 128) + 64));
            for (int r = 0; r < rows; r++)
            {
                a.VpbroadcastdLoad(26 + r, Row(r, kq * 4));
                a.Vpdpbusd(12 + (2 * r), 24, 26 + r);
                a.Vpdpbusd(13 + (2 * r), 25, 26 + r);
            }
        }

        a.Vcvtph2psLoad(24, new Mem(Gpr.Rdi, 1024));
        a.Vcvtph2psLoad(25, new Mem(Gpr.Rdi, 1056));
        for (int r = 0; r < rows; r++)
        {
            int lo = 12 + (2 * r), hi = 13 + (2 * r);
            a.Vcvtdq2ps(lo, lo);
            a.Vcvtdq2ps(hi, hi);
            a.VmulpsBroadcast(26, 24, Row(r, 32));
            a.VmulpsBroadcast(27, 25, Row(r, 32));
            a.Vfmadd231ps(2 * r, lo, 26);
            a.Vfmadd231ps((2 * r) + 1, hi, 27);
        }

        NextBlock(a, PanelBlockBytes, XBlockBytes, top);
        StoreRows(a, rows);
        return a.ToArray();
    }

    /// <summary>
    /// The end of a panel kernel's block loop: the panel (rdi) and the prepared rows (rsi, r11) step one block, and rcx
    /// counts the blocks down to <paramref name="top"/>.
    /// </summary>
    internal static void NextBlock(Amd64Assembler a, int panelBlockBytes, int xBlockBytes, int top)
    {
        a.AddImm(Gpr.Rdi, panelBlockBytes);
        a.AddImm(Gpr.Rsi, xBlockBytes);
        a.AddImm(Gpr.R11, xBlockBytes);
        a.Dec(Gpr.Rcx);
        a.Jnz(top);
    }

    /// <summary>A panel kernel's return: row r's sums (zmm 2r for panel rows 0–15, 2r + 1 for 16–31) stored at <see cref="Out"/>.</summary>
    internal static void StoreRows(Amd64Assembler a, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            Mem y = Out(r);
            a.VmovupsStore(y, 2 * r);
            a.VmovupsStore(y with { Disp = 64 }, (2 * r) + 1);
        }

        a.Vzeroupper();
        a.Ret();
    }

    /// <summary>Row r of the prepared activations at disp: rsi / r11 (rows 0 and 1) plus 0, 2 or 4 strides of rdx.</summary>
    internal static Mem Row(int r, int disp) => r switch
    {
        0 => new Mem(Gpr.Rsi, disp),
        1 => new Mem(Gpr.R11, disp),
        _ => new Mem((r & 1) == 0 ? Gpr.Rsi : Gpr.R11, disp, Gpr.Rdx, r & ~1),
    };

    /// <summary>Output row r: r8 / rax (rows 0 and 1) plus 0, 2 or 4 strides of r9.</summary>
    internal static Mem Out(int r) => r switch
    {
        0 => new Mem(Gpr.R8),
        1 => new Mem(Gpr.Rax),
        _ => new Mem((r & 1) == 0 ? Gpr.R8 : Gpr.Rax, 0, Gpr.R9, r & ~1),
    };
}
