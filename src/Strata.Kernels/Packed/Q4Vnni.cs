// Q4_0 / Q5_0 × Q8_0 products on AVX-512 VNNI over nibble panels: the file's bytes regrouped, levels unpacked in registers.
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// The 8-bit-activation product of Q4_0 and Q5_0 weights with vpdpbusd (<see cref="Q8Vnni"/>'s instruction and
/// arithmetic), the weights kept at their file size: panels of 32 weight rows hold each block's nibble bytes regrouped so
/// that one 512-bit load, an AND and a shift give the unsigned levels of 16 rows × 4 columns twice over (columns k and
/// k + 16 of a block share a byte in both formats), and Q5_0's fifth bits as one 64-bit mask per such vector, added
/// with a merge-masked byte add. Micro-kernels for 1 to <see cref="MaxRows"/> activation rows are assembled at run time.
/// </summary>
/// <remarks>
/// <para>Arithmetic of one output, the same for every kernel and row count (so a row's result never depends on the
/// rows beside it): for each block b in order, s = Σ₃₂ q_w · q_x − offset · Σ₃₂ q_x (exact int32: the levels q_w are
/// unsigned, 0–15 or 0–31, and offset is 8 or 16), acc = fma((float)s, d_w · d_x, acc), from acc = 0. That is
/// <see cref="Q8Vnni"/>'s arithmetic on the block widened to Q8_0 (q_w − offset), bit for bit.</para>
/// <para>Packed weights, panel p, block b, at (p · nb + b) · <see cref="BlockBytes"/>: four 128-byte groups g = 0 … 3,
/// each the qs bytes 4g … 4g + 3 of rows 0–15 then of rows 16–31 (low nibbles: columns 4g … 4g + 3; high nibbles:
/// columns 16 + 4g …); Q5_0 then four 32-byte groups of fifth-bit masks (low columns of rows 0–15, of rows 16–31, high
/// columns of rows 0–15, of rows 16–31; bit 4·lane + t for column t of the group); then the 32 f16 scales as in the
/// file. Q4_0 blocks take 576 bytes per 32 rows, Q5_0 704: the raw matrix's size. Rows past the matrix are zero levels
/// with scale 0.</para>
/// <para>Prepared activation rows: <see cref="Q8Vnni.Prepare(byte*, nint, int, int, byte*, int)"/> with the offset.</para>
/// </remarks>
internal static unsafe class Q4Vnni
{
    /// <summary>Most activation rows one micro-kernel call takes (the registers of five rows and the level vectors).</summary>
    public const int MaxRows = 5;

    private static readonly nint[] s_kernels = VnniPanels.Assemble(MaxRows, 2, (rows, v) => Generate(rows, five: v == 1));

    /// <summary>True where the kernels run (<see cref="Q8Vnni.Supported"/> and these assembled).</summary>
    public static bool Supported { get; } = s_kernels[1] != 0;

    /// <summary>True where a <paramref name="type"/> matrix <paramref name="cols"/> wide can take the path.</summary>
    public static bool Applies(GgmlType type, int cols) => Supported && type is GgmlType.Q4_0 or GgmlType.Q5_0 && cols >= 32 && cols % 32 == 0;

    /// <summary>Bytes of one packed 32-row block of <paramref name="type"/>.</summary>
    public static int BlockBytes(GgmlType type) => type == GgmlType.Q5_0 ? 704 : 576;

    /// <summary>The activation offset of <paramref name="type"/>'s levels: 8 (Q4_0) or 16 (Q5_0).</summary>
    public static int Offset(GgmlType type) => type == GgmlType.Q5_0 ? 16 : 8;

    /// <summary>Bytes of the packed copy of a rows × cols matrix.</summary>
    public static long PackedBytes(GgmlType type, int rows, int cols) => (long)Q8Vnni.Panels(rows) * (cols / 32) * BlockBytes(type);

    /// <summary>The micro-kernel for 1 … <see cref="MaxRows"/> activation rows: (w, x, xStride, nb, y, yStride).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void> Kernel(int rows, bool five) =>
        (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void>)s_kernels[(five ? MaxRows : 0) + rows];

    /// <summary>Packs panels [p0, p1) of the Q4_0/Q5_0 matrix (raw rows rowBytes apart) into dst (<see cref="PackedBytes"/> in all).</summary>
    public static void Pack(GgmlType type, byte* raw, nint rowBytes, int rows, int cols, int p0, int p1, byte* dst)
    {
        int nb = cols / 32;
        bool five = type == GgmlType.Q5_0;
        int rawBlock = five ? 22 : 18;
        int blockBytes = BlockBytes(type);
        int scales = five ? 640 : 512;
        for (int p = p0; p < p1; p++)
        {
            for (int b = 0; b < nb; b++)
            {
                byte* block = dst + (((long)p * nb) + b) * blockBytes;
                new Span<byte>(block, blockBytes).Clear();
                for (int lane = 0; lane < Q8Vnni.PanelRows; lane++)
                {
                    int i = (p * Q8Vnni.PanelRows) + lane;
                    if (i >= rows)
                    {
                        continue;
                    }

                    byte* src = raw + (i * rowBytes) + (b * rawBlock);
                    byte* qs = src + (five ? 6 : 2);
                    int half = lane >> 4, bit = 4 * (lane & 15);
                    for (int g = 0; g < 4; g++)
                    {
                        *(uint*)(block + (g * 128) + (half * 64) + ((lane & 15) * 4)) = *(uint*)(qs + (4 * g));
                    }

                    if (five)
                    {
                        uint qh = *(uint*)(src + 2);
                        for (int g = 0; g < 4; g++)
                        {
                            ulong* masks = (ulong*)(block + 512 + (g * 32));
                            for (int t = 0; t < 4; t++)
                            {
                                masks[half] |= (ulong)((qh >> ((4 * g) + t)) & 1) << (bit + t);
                                masks[2 + half] |= (ulong)((qh >> (16 + (4 * g) + t)) & 1) << (bit + t);
                            }
                        }
                    }

                    ((ushort*)(block + scales))[lane] = *(ushort*)src;
                }
            }
        }
    }

    /// <summary>
    /// Scalar reference of one output (weight row at w in the file's layout, nb blocks; prepared activation row at x):
    /// the kernels' arithmetic step for step, for tests.
    /// </summary>
    public static float Reference(GgmlType type, byte* w, byte* x, int cols)
    {
        bool five = type == GgmlType.Q5_0;
        float acc = 0;
        for (int b = 0; b < cols / 32; b++, w += five ? 22 : 18, x += Q8Vnni.XBlockBytes)
        {
            int s = *(int*)(x + 36);
            byte* qs = w + (five ? 6 : 2);
            uint qh = five ? *(uint*)(w + 2) : 0;
            for (int k = 0; k < 16; k++)
            {
                int lo = (qs[k] & 0x0F) | (int)(((qh >> k) & 1) << 4);
                int hi = (qs[k] >> 4) | (int)(((qh >> (k + 16)) & 1) << 4);
                s += (lo * ((sbyte*)x)[k]) + (hi * ((sbyte*)x)[k + 16]);
            }

            acc = MathF.FusedMultiplyAdd(s, HalfScale.Read(w) * *(float*)(x + 32), acc);
        }

        return acc;
    }

    /// <summary>
    /// The micro-kernel for <paramref name="rows"/> activation rows × one 32-row panel over all nb blocks; System V
    /// arguments as <see cref="Q8Vnni"/>'s kernels: rdi = packed panel, rsi = prepared row 0, rdx = prepared row
    /// stride, rcx = nb, r8 = y of row 0 (32 floats written per row), r9 = y row stride in bytes.
    /// </summary>
    /// <remarks>
    /// zmm0–9 hold the f32 sums (row r: 2r, 2r + 1), zmm10–19 the int32 block sums, zmm20–23 the levels (low columns of
    /// rows 0–15 and 16–31, then high columns), then the scales and their products; zmm24 the nibble mask, zmm25 the
    /// fifth-bit value, zmm26–30 the broadcast activation quads; k1–k4 the fifth-bit masks.
    /// </remarks>
    internal static byte[] Generate(int rows, bool five)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        int scales = five ? 640 : 512;
        var a = new Amd64Assembler();
        a.Lea(Gpr.R11, new Mem(Gpr.Rsi, 0, Gpr.Rdx, 1));
        a.Lea(Gpr.Rax, new Mem(Gpr.R8, 0, Gpr.R9, 1));
        a.MovImm32(Gpr.R10, 0x0F0F0F0F);
        a.VpbroadcastdGpr(24, Gpr.R10);
        a.MovImm32(Gpr.R10, 0x10101010);
        a.VpbroadcastdGpr(25, Gpr.R10);
        for (int z = 0; z < 2 * rows; z++)
        {
            a.Vpxord(z, z, z);
        }

        int top = a.Position;
        for (int r = 0; r < rows; r++)
        {
            a.VpbroadcastdLoad(10 + (2 * r), Q8Vnni.Row(r, 36));
            a.VpbroadcastdLoad(11 + (2 * r), Q8Vnni.Row(r, 36));
        }

        for (int g = 0; g < 4; g++)
        {
            a.VmovupsLoad(20, new Mem(Gpr.Rdi, g * 128));
            a.VmovupsLoad(21, new Mem(Gpr.Rdi, (g * 128) + 64));
            a.VpsrlwImm(22, 20, 4);
            a.VpsrlwImm(23, 21, 4);
            for (int z = 20; z < 24; z++)
            {
                a.Vpandd(z, z, 24);
            }

            if (five)
            {
                for (int z = 0; z < 4; z++)
                {
                    a.KmovqLoad(1 + z, new Mem(Gpr.Rdi, 512 + (g * 32) + (z * 8)));
                    a.VpaddbMasked(20 + z, 1 + z, 20 + z, 25);
                }
            }

            for (int r = 0; r < rows; r++)
            {
                a.VpbroadcastdLoad(26 + r, Q8Vnni.Row(r, g * 4));
                a.Vpdpbusd(10 + (2 * r), 20, 26 + r);
                a.Vpdpbusd(11 + (2 * r), 21, 26 + r);
                a.VpbroadcastdLoad(26 + r, Q8Vnni.Row(r, 16 + (g * 4)));
                a.Vpdpbusd(10 + (2 * r), 22, 26 + r);
                a.Vpdpbusd(11 + (2 * r), 23, 26 + r);
            }
        }

        a.Vcvtph2psLoad(20, new Mem(Gpr.Rdi, scales));
        a.Vcvtph2psLoad(21, new Mem(Gpr.Rdi, scales + 32));
        for (int r = 0; r < rows; r++)
        {
            int lo = 10 + (2 * r), hi = 11 + (2 * r);
            a.Vcvtdq2ps(lo, lo);
            a.Vcvtdq2ps(hi, hi);
            a.VmulpsBroadcast(22, 20, Q8Vnni.Row(r, 32));
            a.VmulpsBroadcast(23, 21, Q8Vnni.Row(r, 32));
            a.Vfmadd231ps(2 * r, lo, 22);
            a.Vfmadd231ps((2 * r) + 1, hi, 23);
        }

        Q8Vnni.NextBlock(a, BlockBytes(five ? GgmlType.Q5_0 : GgmlType.Q4_0), Q8Vnni.XBlockBytes, top);
        Q8Vnni.StoreRows(a, rows);
        return a.ToArray();
    }
}
