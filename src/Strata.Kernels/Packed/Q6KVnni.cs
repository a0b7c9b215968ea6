// Q6_K × Q8_K products on AVX-512 VNNI over 6-bit level panels: the file's bits regrouped, levels unpacked in registers.
using Strata.Kernels.Jit;

namespace Strata.Kernels;

/// <summary>
/// The 8-bit-activation product of Q6_K weights with vpdpbusd (<see cref="Q8Vnni"/>'s instruction), the weights kept
/// at their file size: panels of 32 weight rows hold each super-block's 6-bit levels regrouped so that three 512-bit
/// loads give four level vectors of 16 rows × 4 columns (three by one AND each, the fourth from the three loads' top
/// bits by shifts and bit selects), the sub-block scales as bytes that one vpmovsxbd widens for 16 rows, and the f16
/// scales as in the file. Micro-kernels for 1 to <see cref="MaxRows"/> activation rows are assembled at run time.
/// </summary>
/// <remarks>
/// <para>Arithmetic of one output, the same for every kernel and row count (so a row's result never depends on the rows
/// beside it), and that of <see cref="IntKDots512.Q6KTileRow"/> bit for bit: for each super-block b in order,
/// total = Σ_s sc_s · (−32 · bsum_s + Σ_{k in s} q_k · y_k), exact in int32 (q_k the unsigned levels 0–63, sc_s the
/// int8 scale of sub-block s = elements 16s … 16s + 15, bsum_s the activation block's sum over it), then
/// acc = fma((float)total, d_w · d_y, acc) from acc = 0, with d_w the f16 scale widened exactly. The integer is
/// Q6KTileRow's products − (offsets &lt;&lt; 5) (both exact), and the f32 steps are its steps.</para>
/// <para>Packed weights, panel p (weight rows 32p … 32p + 31), super-block b, at (p · nb + b) · <see cref="BlockBytes"/>:
/// <list type="bullet">
/// <item>bytes 0–6143, the levels: for half h (rows 16h … 16h + 15) and sub-block s, three 64-byte vectors
/// Z_g (g = 0, 1, 2) at ((16h + s) · 3 + g) · 64, byte 4 · lane + t (row 16h + lane, t = 0 … 3) holding
/// level(16s + 4g + t) in bits 0–5 and, in bits 6–7, two bits of the same row's level(16s + 12 + t): its bits 4–5
/// in Z_0, 2–3 in Z_1, 0–1 in Z_2;</item>
/// <item>bytes 6144–6655, the scales: sc_s of panel row i at 6144 + 32s + i;</item>
/// <item>bytes 6656–6719, the 32 f16 scales d as in the file.</item>
/// </list>
/// 6720 bytes per 32 rows, as many as 32 raw Q6_K blocks: the raw matrix's size. Rows past the matrix are zero levels,
/// zero scales and d = 0.</para>
/// <para>Prepared activation row (<see cref="Prepare"/>), super-block b at b · <see cref="XBlockBytes"/>: the 256 quants
/// in element order, the 16 int32 −32 · bsum_s at 256, d_y as f32 at 320.</para>
/// </remarks>
internal static unsafe class Q6KVnni
{
    /// <summary>
    /// Most activation rows one micro-kernel call takes: four registers a row (two f32 sums, the super-block's int32
    /// total and the sub-block's) and eight for the levels, their scratch, the scales and two byte masks.
    /// </summary>
    public const int MaxRows = 6;

    /// <summary>Bytes of one packed 32-row super-block: 6144 level bytes, 512 sub-block scales, 32 f16 scales.</summary>
    public const int BlockBytes = 6720;

    /// <summary>Bytes of one prepared activation super-block: 256 quants, 16 int32 offsets, f32 d.</summary>
    public const int XBlockBytes = 324;

    private const int ScalesAt = 6144, HalfScalesAt = 6656, OffsetsAt = 256, DyAt = 320;

    /// <summary>How far ahead of the super-block in hand the kernels prefetch into L2: two super-blocks.</summary>
    private const int PrefetchAhead = 2 * BlockBytes;

    private static readonly nint[] s_kernels = VnniPanels.Assemble(MaxRows, 1, (rows, _) => Generate(rows));

    /// <summary>True where the kernels run (<see cref="Q8Vnni.Supported"/> and these assembled).</summary>
    public static bool Supported { get; } = s_kernels[1] != 0;

    /// <summary>True where a <paramref name="type"/> matrix <paramref name="cols"/> wide can take the path: Q6_K with whole super-blocks, where the kernels run.</summary>
    public static bool Applies(GgmlType type, int cols) => Supported && type == GgmlType.Q6_K && cols > 0 && cols % 256 == 0;

    /// <summary>Bytes of the packed copy of a rows × cols matrix.</summary>
    public static long PackedBytes(int rows, int cols) => (long)Q8Vnni.Panels(rows) * (cols / 256) * BlockBytes;

    /// <summary>Bytes of one prepared activation row.</summary>
    public static int RowBytes(int cols) => cols / 256 * XBlockBytes;

    /// <summary>The micro-kernel for 1 … <see cref="MaxRows"/> activation rows: (w, x, xStride, nb, y, yStride).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void> Kernel(int rows) =>
        (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void>)s_kernels[rows];

    /// <summary>Packs panels [p0, p1) of the Q6_K matrix (raw rows rowBytes apart) into dst (<see cref="PackedBytes"/> in all).</summary>
    public static void Pack(byte* raw, nint rowBytes, int rows, int cols, int p0, int p1, byte* dst)
    {
        int nb = cols / 256;
        byte* levels = stackalloc byte[256];
        for (int p = p0; p < p1; p++)
        {
            for (int b = 0; b < nb; b++)
            {
                byte* block = dst + (((long)p * nb) + b) * BlockBytes;
                new Span<byte>(block, BlockBytes).Clear();
                for (int lane = 0; lane < Q8Vnni.PanelRows; lane++)
                {
                    int i = (p * Q8Vnni.PanelRows) + lane;
                    if (i >= rows)
                    {
                        continue;
                    }

                    byte* src = raw + (i * rowBytes) + (b * 210);
                    for (int e = 0; e < 256; e++)
                    {
                        levels[e] = Level(src, e);
                    }

                    byte* z = block + ((lane >> 4) * 16 * 192) + ((lane & 15) * 4);
                    for (int s = 0; s < 16; s++, z += 192)
                    {
                        for (int g = 0; g < 3; g++)
                        {
                            for (int t = 0; t < 4; t++)
                            {
                                int top = (levels[(16 * s) + 12 + t] >> (4 - (2 * g))) & 3;
                                z[(g * 64) + t] = (byte)(levels[(16 * s) + (4 * g) + t] | (top << 6));
                            }
                        }

                        block[ScalesAt + (32 * s) + lane] = src[192 + s];
                    }

                    ((ushort*)(block + HalfScalesAt))[lane] = *(ushort*)(src + 208);
                }
            }
        }
    }

    /// <summary>
    /// The inverse of <see cref="Pack"/> for one row: writes weight row <paramref name="row"/>'s raw Q6_K blocks (210
    /// bytes each, cols / 256 of them) to <paramref name="raw"/>, byte for byte as the file held them.
    /// </summary>
    public static void UnpackRow(byte* packed, int cols, int row, byte* raw)
    {
        int nb = cols / 256;
        int lane = row % Q8Vnni.PanelRows;
        byte* panel = packed + ((long)(row / Q8Vnni.PanelRows) * nb * BlockBytes);
        byte* levels = stackalloc byte[256];
        for (int b = 0; b < nb; b++)
        {
            byte* block = panel + ((long)b * BlockBytes);
            byte* z = block + ((lane >> 4) * 16 * 192) + ((lane & 15) * 4);
            byte* dst = raw + (b * 210);
            for (int s = 0; s < 16; s++, z += 192)
            {
                for (int t = 0; t < 4; t++)
                {
                    levels[(16 * s) + 12 + t] = (byte)(((z[t] >> 6) << 4) | ((z[64 + t] >> 6) << 2) | (z[128 + t] >> 6));
                    for (int g = 0; g < 3; g++)
                    {
                        levels[(16 * s) + (4 * g) + t] = (byte)(z[(g * 64) + t] & 0x3F);
                    }
                }

                dst[192 + s] = block[ScalesAt + (32 * s) + lane];
            }

            // ggml's element order, inverted: ql[64n + l (+ 32)] holds two low nibbles, qh[32n + l] four high pairs.
            for (int n = 0; n < 2; n++)
            {
                byte* ql = dst + (64 * n);
                byte* qh = dst + 128 + (32 * n);
                byte* q = levels + (128 * n);
                for (int l = 0; l < 32; l++)
                {
                    ql[l] = (byte)((q[l] & 0x0F) | ((q[l + 64] & 0x0F) << 4));
                    ql[l + 32] = (byte)((q[l + 32] & 0x0F) | ((q[l + 96] & 0x0F) << 4));
                    qh[l] = (byte)((q[l] >> 4) | ((q[l + 32] >> 4) << 2) | ((q[l + 64] >> 4) << 4) | ((q[l + 96] >> 4) << 6));
                }
            }

            *(ushort*)(dst + 208) = ((ushort*)(block + HalfScalesAt))[lane];
        }
    }

    /// <summary>
    /// Prepares n Q8_K activation rows (<see cref="ActivationQuant.Q8KBlockBytes"/>-byte blocks, rows srcRowBytes apart)
    /// into dst (rows <see cref="RowBytes"/> apart): per super-block the quants, −32 · bsum_s as int32, d_y.
    /// </summary>
    public static void Prepare(byte* src, nint srcRowBytes, int n, int cols, byte* dst)
    {
        int nb = cols / 256;
        for (int j = 0; j < n; j++)
        {
            byte* x = src + (j * srcRowBytes);
            byte* d = dst + ((nint)j * RowBytes(cols));
            for (int b = 0; b < nb; b++, x += ActivationQuant.Q8KBlockBytes, d += XBlockBytes)
            {
                new ReadOnlySpan<byte>(x + 4, 256).CopyTo(new Span<byte>(d, 256));
                for (int s = 0; s < 16; s++)
                {
                    ((int*)(d + OffsetsAt))[s] = -32 * ((short*)(x + 260))[s];
                }

                *(float*)(d + DyAt) = *(float*)x;
            }
        }
    }

    /// <summary>
    /// Scalar reference of one output (weight row at w in the file's layout; prepared activation row at x): the
    /// kernels' arithmetic step for step, for tests.
    /// </summary>
    public static float Reference(byte* w, byte* x, int cols)
    {
        float acc = 0;
        for (int b = 0; b < cols / 256; b++, w += 210, x += XBlockBytes)
        {
            int total = 0;
            for (int s = 0; s < 16; s++)
            {
                int sub = ((int*)(x + OffsetsAt))[s];
                for (int k = 16 * s; k < (16 * s) + 16; k++)
                {
                    sub += Level(w, k) * ((sbyte*)x)[k];
                }

                total += ((sbyte*)w)[192 + s] * sub;
            }

            acc = MathF.FusedMultiplyAdd(total, HalfScale.Read(w + 208) * *(float*)(x + DyAt), acc);
        }

        return acc;
    }

    /// <summary>
    /// The unsigned 6-bit level of element e (0 … 255) of the raw Q6_K block at w, in ggml's order: half n = e / 128,
    /// quarter c = e % 128 / 32, l = e % 32 take the low nibble (c &lt; 2) or high nibble of ql[64n + l + 32 · (c &amp; 1)]
    /// and bits 2c, 2c + 1 of qh[32n + l] as bits 4–5.
    /// </summary>
    private static byte Level(byte* w, int e)
    {
        int n = e >> 7, c = (e >> 5) & 3, l = e & 31;
        int low = (w[(64 * n) + l + (32 * (c & 1))] >> (4 * (c >> 1))) & 0x0F;
        int high = (w[128 + (32 * n) + l] >> (2 * c)) & 3;
        return (byte)(low | (high << 4));
    }

    /// <summary>
    /// The micro-kernel for <paramref name="rows"/> activation rows × one 32-row panel over all nb super-blocks, the
    /// super-block's body unrolled; System V arguments as <see cref="Q8Vnni"/>'s kernels: rdi = packed panel, rsi =
    /// prepared row 0, rdx = prepared row stride, rcx = nb, r8 = y of row 0 (32 floats written per row), r9 = y row
    /// stride in bytes.
    /// </summary>
    /// <remarks>
    /// <para>zmm0–11 hold the f32 sums (row r: 2r for panel rows 0–15, 2r + 1 for 16–31), zmm12–17 the rows' int32
    /// super-block totals of the half in hand, zmm18–23 their sub-block sums; zmm24–27 the four level vectors of a
    /// sub-block (24–26 first the loaded Z_0–Z_2), zmm28 the fourth vector's scratch, zmm29 the 16 rows' sub-block
    /// scales, zmm30 the byte mask 0x3F, zmm31 0xC0. The two 16-row halves of the panel go one after the other through
    /// the super-block.</para>
    /// <para>The fourth level vector: t = Z_2 >> 2 (16-bit lanes; each byte's bits 4–5 are its bits 6–7), bits 6–7 of
    /// t replaced by Z_1's (vpternlogd bit select by the 0xC0 mask), >> 2, bits 6–7 replaced by Z_0's, >> 2, AND 0x3F:
    /// Z_0's top bits land in bits 4–5, Z_1's in 2–3, Z_2's in 0–1, whatever the shifts carry in from the next byte
    /// landing in the bits the selects and the AND replace.</para>
    /// <para>Every line of the packed block two super-blocks ahead is prefetched into L2 (prefetcht1) along the way: out
    /// of cache the hardware prefetchers alone left the one-row kernel at about half the bandwidth a plain read of the
    /// panels reaches; prefetches into L1 (prefetcht0) did not help.</para>
    /// </remarks>
    internal static byte[] Generate(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        const byte select = 0xD8; // vpternlogd (dst, a, b): b ? a : dst
        var a = new Amd64Assembler();
        a.Lea(Gpr.R11, new Mem(Gpr.Rsi, 0, Gpr.Rdx, 1));
        a.Lea(Gpr.Rax, new Mem(Gpr.R8, 0, Gpr.R9, 1));
        a.MovImm32(Gpr.R10, 0x3F3F3F3F);
        a.VpbroadcastdGpr(30, Gpr.R10);
        a.MovImm32(Gpr.R10, unchecked((int)0xC0C0C0C0));
        a.VpbroadcastdGpr(31, Gpr.R10);
        for (int z = 0; z < 2 * rows; z++)
        {
            a.Vpxord(z, z, z);
        }

        int top = a.Position;
        for (int h = 0; h < 2; h++)
        {
            for (int s = 0; s < 16; s++)
            {
                int zAt = ((16 * h) + s) * 192;
                // Every line of the block two super-blocks ahead into L2, three with each sub-block's levels and the
                // scales' nine with the first nine.
                int unit = (16 * h) + s;
                for (int line = 3 * unit; line < (3 * unit) + 3; line++)
                {
                    a.Prefetcht1(new Mem(Gpr.Rdi, (line * 64) + PrefetchAhead));
                }

                if (unit < 9)
                {
                    a.Prefetcht1(new Mem(Gpr.Rdi, ((96 + unit) * 64) + PrefetchAhead));
                }

                a.VmovupsLoad(24, new Mem(Gpr.Rdi, zAt));
                a.VmovupsLoad(25, new Mem(Gpr.Rdi, zAt + 64));
                a.VmovupsLoad(26, new Mem(Gpr.Rdi, zAt + 128));
                a.VpsrlwImm(28, 26, 2);
                a.Vpternlogd(28, 25, 31, select);
                a.VpsrlwImm(28, 28, 2);
                a.Vpternlogd(28, 24, 31, select);
                a.VpsrlwImm(27, 28, 2);
                for (int z = 24; z < 28; z++)
                {
                    a.Vpandd(z, z, 30);
                }

                a.VpmovsxbdLoad(29, new Mem(Gpr.Rdi, ScalesAt + (32 * s) + (16 * h)));
                for (int r = 0; r < rows; r++)
                {
                    int sub = 18 + r, total = 12 + r;
                    a.VpbroadcastdLoad(sub, Q8Vnni.Row(r, OffsetsAt + (4 * s)));
                    for (int g = 0; g < 4; g++)
                    {
                        a.VpdpbusdBroadcast(sub, 24 + g, Q8Vnni.Row(r, (16 * s) + (4 * g)));
                    }

                    if (s == 0)
                    {
                        a.Vpmulld(total, sub, 29);
                    }
                    else
                    {
                        a.Vpmulld(sub, sub, 29);
                        a.Vpaddd(total, total, sub);
                    }
                }
            }

            a.Vcvtph2psLoad(24, new Mem(Gpr.Rdi, HalfScalesAt + (32 * h)));
            for (int r = 0; r < rows; r++)
            {
                int total = 12 + r, scale = 25 + (r & 1);
                a.Vcvtdq2ps(total, total);
                a.VmulpsBroadcast(scale, 24, Q8Vnni.Row(r, DyAt));
                a.Vfmadd231ps((2 * r) + h, total, scale);
            }
        }

        Q8Vnni.NextBlock(a, BlockBytes, XBlockBytes, top);
        Q8Vnni.StoreRows(a, rows);
        return a.ToArray();
    }
}
