// Q4_K / Q5_K × Q8_K products on AVX-512 VNNI over nibble panels at the file's size: the K tiles' arithmetic, four bytes a lane.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// The 8-bit-activation product of Q4_K and Q5_K weights with vpdpbusd, the weights kept at their file size: panels of 32
/// weight rows hold each super-block's nibble bytes regrouped so that one 512-bit load and an AND (or a shift and an AND)
/// give the unsigned levels of 16 rows × 4 columns of one sub-block (Q5_K's fifth bits then added from one 64-bit mask
/// per such vector by a merge-masked byte add, as <see cref="Q4Vnni"/> does for Q5_0), and the rows' 6-bit scales and
/// minima in three dwords a row, unpacked in registers (shifts, ANDs, a ternary OR). Micro-kernels for 1 to
/// <see cref="MaxRows"/> activation rows are assembled at run time.
/// </summary>
/// <remarks>
/// <para>Arithmetic of one output, the same for every kernel and row count, and the same as a lane of
/// <see cref="IntKTile512.Q4K{TRows}"/> and <see cref="Q4KMatVec512.DotTileRow"/> (bit for bit): per super-block b in order,
/// S = Σ_s sc_s · Σ₃₂ q · y and M = Σ_s m_s · bsum_s (exact int32: sub-block sums by vpdpbusd, scaled by vpmulld, the
/// minima by vpdpwssd), accS = fma((float)S, d · dy, accS), accM = fma((float)M, dmin · dy, accM), from zero; the output
/// is accS − accM.</para>
/// <para>Packed weights, panel p, super-block b, at (p · nsb + b) · <see cref="BlockBytes"/>: two halves, rows 0–15 then
/// rows 16–31, so that a kernel reading one half after the other streams forward. A half: 32 groups (sub-block pair
/// j = 0 … 3, column quad g = 0 … 7) of 64 bytes, each the qs bytes 32j + 4g … 32j + 4g + 3 of its 16 rows (low
/// nibbles: sub-block 2j, columns 4g … 4g + 3; high nibbles: sub-block 2j + 1); for Q5_K then 64 fifth-bit masks, sub-block
/// s and quad g at 8 · (8s + g), bit 4 · lane + t for column 4g + t; then the 12 scale bytes of each row as three dwords
/// k = 0 … 2, each a 64-byte group (bytes 4k … 4k + 3 of the 16 rows); then the 16 f16 d and the 16 f16 dmin. 4608 (Q5_K
/// 5632) bytes per 32 rows, the raw matrix's size. Rows past the matrix are zero.</para>
/// <para>Prepared activation row, super-block b at <see cref="XBlockBytes"/> · b: the 256 quants, dy as f32, the eight
/// sub-block sums bsum_s (int16, from the Q8_K block's 16-element sums), zero padding.</para>
/// </remarks>
internal static unsafe class Q4KVnni
{
    /// <summary>Most activation rows one micro-kernel call takes (six registers a row, seven shared).</summary>
    public const int MaxRows = 4;

    /// <summary>Bytes of one prepared activation super-block.</summary>
    public const int XBlockBytes = 288;

    private const int MaskBytes = 512;
    private const int XScale = 256;
    private const int XSums = 260;

    private static readonly nint[] s_kernels = VnniPanels.Assemble(MaxRows, 2, (rows, v) => Generate(rows, five: v == 1));

    /// <summary>True where the kernels run (<see cref="Q8Vnni.Supported"/> and these assembled).</summary>
    public static bool Supported { get; } = s_kernels[1] != 0;

    /// <summary>True where a <paramref name="type"/> matrix <paramref name="cols"/> wide can take the path: Q4_K or Q5_K, whole super-blocks.</summary>
    public static bool Applies(GgmlType type, int cols) => Supported && type is GgmlType.Q4_K or GgmlType.Q5_K && cols > 0 && cols % 256 == 0;

    /// <summary>Bytes of one packed 32-row super-block: as many as 32 raw super-blocks (Q4_K 4608, Q5_K 5632).</summary>
    public static int BlockBytes(GgmlType type) => 2 * HalfBytes(type == GgmlType.Q5_K);

    /// <summary>Bytes of the packed copy of a rows × cols matrix.</summary>
    public static long PackedBytes(GgmlType type, int rows, int cols) => (long)Q8Vnni.Panels(rows) * (cols / 256) * BlockBytes(type);

    /// <summary>Bytes of one prepared activation row.</summary>
    public static int RowBytes(int cols) => cols / 256 * XBlockBytes;

    /// <summary>The micro-kernel for 1 … <see cref="MaxRows"/> activation rows: (w, x, xStride, nsb, y, yStride).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void> Kernel(int rows, bool five) =>
        (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void>)s_kernels[(five ? MaxRows : 0) + rows];

    /// <summary>Packs panels [p0, p1) of the Q4_K/Q5_K matrix (raw rows rowBytes apart) into dst (<see cref="PackedBytes"/> in all).</summary>
    public static void Pack(GgmlType type, byte* raw, nint rowBytes, int rows, int cols, int p0, int p1, byte* dst)
    {
        int nsb = cols / 256;
        bool five = type == GgmlType.Q5_K;
        int rawBlock = five ? 176 : 144, qs = five ? 48 : 16;
        int halfBytes = HalfBytes(five), blockBytes = 2 * halfBytes;
        for (int p = p0; p < p1; p++)
        {
            for (int b = 0; b < nsb; b++)
            {
                byte* block = dst + (((long)p * nsb) + b) * blockBytes;
                new Span<byte>(block, blockBytes).Clear();
                for (int lane = 0; lane < Q8Vnni.PanelRows; lane++)
                {
                    int i = (p * Q8Vnni.PanelRows) + lane;
                    if (i >= rows)
                    {
                        continue;
                    }

                    byte* src = raw + (i * rowBytes) + (b * rawBlock);
                    byte* half = block + ((lane >> 4) * halfBytes);
                    int at = (lane & 15) * 4;
                    for (int group = 0; group < 32; group++)
                    {
                        *(uint*)(half + (group * 64) + at) = *(uint*)(src + qs + (4 * group));
                    }

                    if (five)
                    {
                        // Fifth bit of sub-block s, column c: bit s of qh[c].
                        ulong* masks = (ulong*)(half + 2048);
                        for (int s = 0; s < 8; s++)
                        {
                            for (int c = 0; c < 32; c++)
                            {
                                masks[(8 * s) + (c >> 2)] |= (ulong)((src[16 + c] >> s) & 1) << (at + (c & 3));
                            }
                        }
                    }

                    for (int k = 0; k < 3; k++)
                    {
                        *(uint*)(half + ScaleOffset(five) + (k * 64) + at) = *(uint*)(src + 4 + (4 * k));
                    }

                    ((ushort*)(half + DOffset(five)))[lane & 15] = *(ushort*)src;
                    ((ushort*)(half + DOffset(five) + 32))[lane & 15] = *(ushort*)(src + 2);
                }
            }
        }
    }

    /// <summary>Prepares n Q8_K activation rows (rows srcRowBytes apart) into dst (rows <see cref="RowBytes"/> apart).</summary>
    public static void Prepare(byte* src, nint srcRowBytes, int n, int cols, byte* dst)
    {
        int nsb = cols / 256;
        for (int j = 0; j < n; j++)
        {
            byte* x = src + (j * srcRowBytes);
            byte* d = dst + ((nint)j * RowBytes(cols));
            for (int b = 0; b < nsb; b++, x += ActivationQuant.Q8KBlockBytes, d += XBlockBytes)
            {
                for (int k = 0; k < 256; k += 64)
                {
                    Vector512.Load(x + 4 + k).Store(d + k);
                }

                *(float*)(d + XScale) = *(float*)x;
                short* bsums = (short*)(x + 260);
                for (int s = 0; s < 8; s++)
                {
                    ((short*)(d + XSums))[s] = (short)(bsums[2 * s] + bsums[(2 * s) + 1]);
                }

                new Span<byte>(d + XSums + 16, XBlockBytes - XSums - 16).Clear();
            }
        }
    }

    /// <summary>
    /// Scalar reference of one output (weight row at w in the file's layout; prepared activation row at x): the kernels'
    /// arithmetic step for step, for tests.
    /// </summary>
    public static float Reference(GgmlType type, byte* w, byte* x, int cols)
    {
        bool five = type == GgmlType.Q5_K;
        float accS = 0, accM = 0;
        for (int b = 0; b < cols / 256; b++, w += five ? 176 : 144, x += XBlockBytes)
        {
            int sum = 0, mins = 0;
            for (int s = 0; s < 8; s++)
            {
                (int sc, int m) = ScaleMin(w + 4, s);
                byte* q = w + (five ? 48 : 16) + (32 * (s >> 1));
                int t = 0;
                for (int k = 0; k < 32; k++)
                {
                    int level = ((s & 1) == 0 ? q[k] & 0x0F : q[k] >> 4) | (five ? ((w[16 + k] >> s) & 1) << 4 : 0);
                    t += level * ((sbyte*)x)[(32 * s) + k];
                }

                sum += sc * t;
                mins += m * ((short*)(x + XSums))[s];
            }

            float dy = *(float*)(x + XScale);
            accS = MathF.FusedMultiplyAdd(sum, HalfScale.Read(w) * dy, accS);
            accM = MathF.FusedMultiplyAdd(mins, HalfScale.Read(w + 2) * dy, accM);
        }

        return accS - accM;
    }

    /// <summary>Sub-block s's 6-bit scale and minimum from a super-block's 12 scale bytes (ggml's get_scale_min_k4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Scale, int Min) ScaleMin(byte* q, int s) => s < 4
        ? (q[s] & 63, q[s + 4] & 63)
        : ((q[s + 4] & 0x0F) | ((q[s - 4] >> 6) << 4), (q[s + 4] >> 4) | ((q[s] >> 6) << 4));

    private static int HalfBytes(bool five) => five ? 2816 : 2304;

    private static int ScaleOffset(bool five) => five ? 2048 + MaskBytes : 2048;

    private static int DOffset(bool five) => ScaleOffset(five) + 192;

    /// <summary>
    /// The micro-kernel for <paramref name="rows"/> activation rows × one 32-row panel over all nsb super-blocks; System V
    /// arguments as <see cref="Q8Vnni"/>'s kernels: rdi = packed panel, rsi = prepared row 0, rdx = prepared row stride,
    /// rcx = nsb, r8 = y of row 0 (32 floats written per row), r9 = y row stride in bytes.
    /// </summary>
    /// <remarks>
    /// The panel's two 16-row halves go one after the other inside each super-block. Registers from zmm0: the rows' f32
    /// sums (row r: 4r + h for accS of half h, 4r + 2 + h for accM), their int32 super-block sums S, then their
    /// sub-block sums in <c>chains</c> independent accumulators a row (four for one row, two for two: vpdpbusd's latency
    /// would otherwise bound a lone row's decode), which then take the minima M; zmm24 the levels (then d), zmm25 the nibble
    /// mask, zmm26–28 the dword masks 0x0F, 0x3F, 0x30, zmm29 a sub-block's scales or minima (then dmin), zmm30 a scratch,
    /// zmm31 the fifth-bit value 0x10 (Q5_K, added where the mask in k1 says).
    /// </remarks>
    internal static byte[] Generate(int rows, bool five)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        const int levels = 24, nibble = 25, low4 = 26, low6 = 27, bits45 = 28, scale = 29, scratch = 30, fifth = 31;
        int halfBytes = HalfBytes(five), scales = ScaleOffset(five), dOffset = DOffset(five);
        int chains = rows switch { 1 => 4, 2 => 2, _ => 1 };
        int sums = 4 * rows;
        int Sub(int r, int c) => sums + rows + (r * chains) + c;
        var a = new Amd64Assembler();
        a.Lea(Gpr.R11, new Mem(Gpr.Rsi, 0, Gpr.Rdx, 1));
        a.Lea(Gpr.Rax, new Mem(Gpr.R8, 0, Gpr.R9, 1));
        Constant(a, nibble, 0x0F0F0F0F);
        Constant(a, low4, 0x0F);
        Constant(a, low6, 0x3F);
        Constant(a, bits45, 0x30);
        Constant(a, fifth, 0x10101010);
        for (int z = 0; z < 4 * rows; z++)
        {
            a.Vpxord(z, z, z);
        }

        int top = a.Position;
        for (int h = 0; h < 2; h++)
        {
            for (int r = 0; r < rows; r++)
            {
                a.Vpxord(sums + r, sums + r, sums + r);
            }

            for (int s = 0; s < 8; s++)
            {
                ZeroSubs(a, rows, chains, Sub);
                for (int g = 0; g < 8; g++)
                {
                    var group = new Mem(Gpr.Rdi, (h * halfBytes) + ((((s >> 1) * 8) + g) * 64));
                    if ((s & 1) == 0)
                    {
                        // Each line of the panel two super-blocks ahead into L2 as its level line is first read here.
                        a.Prefetcht1(group with { Disp = group.Disp + (4 * halfBytes) });
                        a.VpanddLoad(levels, nibble, group);
                    }
                    else
                    {
                        a.VpsrldImmLoad(levels, group, 4);
                        a.Vpandd(levels, levels, nibble);
                    }

                    if (five)
                    {
                        a.KmovqLoad(1, new Mem(Gpr.Rdi, (h * halfBytes) + 2048 + (8 * ((8 * s) + g))));
                        a.VpaddbMasked(levels, 1, levels, fifth);
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        a.VpdpbusdBroadcast(Sub(r, g % chains), levels, Q8Vnni.Row(r, (32 * s) + (4 * g)));
                    }
                }

                SixBits(a, scale, scratch, (h * halfBytes) + scales, s, minimum: false, low4, low6, bits45);
                for (int r = 0; r < rows; r++)
                {
                    FoldChains(a, r, chains, Sub);
                    a.Vpmulld(Sub(r, 0), Sub(r, 0), scale);
                    a.Vpaddd(sums + r, sums + r, Sub(r, 0));
                }
            }

            ZeroSubs(a, rows, chains, Sub);
            for (int line = (h * halfBytes) + 2048; line < (h + 1) * halfBytes; line += 64)
            {
                a.Prefetcht1(new Mem(Gpr.Rdi, line + (4 * halfBytes)));
            }

            for (int s = 0; s < 8; s++)
            {
                SixBits(a, scale, scratch, (h * halfBytes) + scales, s, minimum: true, low4, low6, bits45);
                for (int r = 0; r < rows; r++)
                {
                    a.VpdpwssdBroadcast(Sub(r, s % chains), scale, Q8Vnni.Row(r, XSums + (2 * s)));
                }
            }

            a.Vcvtph2psLoad(levels, new Mem(Gpr.Rdi, (h * halfBytes) + dOffset));
            a.Vcvtph2psLoad(scale, new Mem(Gpr.Rdi, (h * halfBytes) + dOffset + 32));
            for (int r = 0; r < rows; r++)
            {
                FoldChains(a, r, chains, Sub);
                a.Vcvtdq2ps(sums + r, sums + r);
                a.VmulpsBroadcast(scratch, levels, Q8Vnni.Row(r, XScale));
                a.Vfmadd231ps((4 * r) + h, sums + r, scratch);
                a.Vcvtdq2ps(Sub(r, 0), Sub(r, 0));
                a.VmulpsBroadcast(scratch, scale, Q8Vnni.Row(r, XScale));
                a.Vfmadd231ps((4 * r) + 2 + h, Sub(r, 0), scratch);
            }
        }

        Q8Vnni.NextBlock(a, 2 * halfBytes, XBlockBytes, top);

        for (int r = 0; r < rows; r++)
        {
            Mem y = Q8Vnni.Out(r);
            for (int h = 0; h < 2; h++)
            {
                a.Vsubps((4 * r) + h, (4 * r) + h, (4 * r) + 2 + h);
                a.VmovupsStore(y with { Disp = 64 * h }, (4 * r) + h);
            }
        }

        a.Vzeroupper();
        a.Ret();
        return a.ToArray();
    }

    private static void ZeroSubs(Amd64Assembler a, int rows, int chains, Func<int, int, int> sub)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < chains; c++)
            {
                a.Vpxord(sub(r, c), sub(r, c), sub(r, c));
            }
        }
    }

    /// <summary>Row r's chains summed into its first (exact int32 adds, in any order the same).</summary>
    private static void FoldChains(Amd64Assembler a, int r, int chains, Func<int, int, int> sub)
    {
        if (chains == 4)
        {
            a.Vpaddd(sub(r, 0), sub(r, 0), sub(r, 2));
            a.Vpaddd(sub(r, 1), sub(r, 1), sub(r, 3));
        }

        if (chains >= 2)
        {
            a.Vpaddd(sub(r, 0), sub(r, 0), sub(r, 1));
        }
    }

    /// <summary>
    /// Sub-block s's 6-bit scale (or minimum) of the 16 rows whose scale dwords are at rdi + at, one per dword lane, into dst (ggml's
    /// get_scale_min_k4 on the three scale dwords Q0–Q2 of each row): sub-blocks 0–3 are byte s of Q0 (Q1) masked to six
    /// bits; 4–7 take four bits from byte s − 4 of Q2 (its high nibble for a minimum) and their top two from the top
    /// bits of byte s − 4 of Q0 (Q1).
    /// </summary>
    private static void SixBits(Amd64Assembler a, int dst, int scratch, int at, int s, bool minimum, int low4, int low6, int bits45)
    {
        Mem Dword(int k) => new(Gpr.Rdi, at + (k * 64));
        int own = minimum ? 1 : 0;
        if (s < 4)
        {
            if (s == 0)
            {
                a.VpanddLoad(dst, low6, Dword(own));
            }
            else
            {
                a.VpsrldImmLoad(dst, Dword(own), (byte)(8 * s));
                a.Vpandd(dst, dst, low6);
            }

            return;
        }

        int k4 = s - 4;
        int shift = (8 * k4) + (minimum ? 4 : 0);
        if (shift == 0)
        {
            a.VpanddLoad(dst, low4, Dword(2));
        }
        else
        {
            a.VpsrldImmLoad(dst, Dword(2), (byte)shift);
            a.Vpandd(dst, dst, low4);
        }

        a.VpsrldImmLoad(scratch, Dword(own), (byte)((8 * k4) + 2));
        a.Vpternlogd(dst, scratch, bits45, 0xF8); // dst | (scratch & bits45)
    }

    private static void Constant(Amd64Assembler a, int zmm, int value)
    {
        a.MovImm32(Gpr.R10, value);
        a.VpbroadcastdGpr(zmm, Gpr.R10);
    }
}
