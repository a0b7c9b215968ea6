// The packed sub-block scales of the K-quants, unpacked in one place: ggml's get_scale_min_k4 and its utmp shuffle (Q4_K/Q5_K), and the Q3_K scales.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Unpacks the 12 packed scale bytes of K-quant super-blocks. Q4_K/Q5_K hold eight 6-bit scales and eight 6-bit mins:
/// <see cref="ScaleMinK4(int, byte*, out byte, out byte)"/> reads one pair (ggml's get_scale_min_k4), <see cref="UnpackK4(byte*, out ulong, out ulong)"/>
/// all eight at once (ggml's utmp shuffle; byte j equals get_scale_min_k4(j)). Q3_K holds sixteen 6-bit scales (<see cref="UnpackQ3K"/>).
/// </summary>
internal static unsafe class KQuantScales
{
    /// <summary>Scale and min number <paramref name="j"/> (0–7) from the 12 packed bytes at <paramref name="q"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleMinK4(int j, byte* q, out byte d, out byte m)
    {
        if (j < 4)
        {
            d = (byte)(q[j] & 63);
            m = (byte)(q[j + 4] & 63);
        }
        else
        {
            d = (byte)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
            m = (byte)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
        }
    }

    /// <summary><see cref="ScaleMinK4(int, byte*, out byte, out byte)"/> over a checked span (the scalar reference and the quantizer).</summary>
    /// <exception cref="ArgumentException">q holds fewer than 12 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">j is outside 0–7.</exception>
    public static void ScaleMinK4(int j, ReadOnlySpan<byte> q, out byte d, out byte m)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)j, 7u, nameof(j));
        if (q.Length < 12)
        {
            throw new ArgumentException($"K-quant scales are 12 packed bytes; got {q.Length}.", nameof(q));
        }

        fixed (byte* p = q)
        {
            ScaleMinK4(j, p, out d, out m);
        }
    }

    /// <summary>
    /// All eight scales and mins of the 12 bytes at <paramref name="s"/> as four words: byte k of scales03/scales47 is scale
    /// k/k + 4, byte k of mins03/mins47 is min k/k + 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UnpackK4(byte* s, out uint scales03, out uint scales47, out uint mins03, out uint mins47)
    {
        const uint k1 = 0x3f3f3f3f, k2 = 0x0f0f0f0f, k3 = 0x03030303;
        uint u0 = Unsafe.ReadUnaligned<uint>(s);
        uint u1 = Unsafe.ReadUnaligned<uint>(s + 4);
        uint u2 = Unsafe.ReadUnaligned<uint>(s + 8);
        mins47 = ((u2 >> 4) & k2) | (((u1 >> 6) & k3) << 4);
        scales47 = (u2 & k2) | (((u0 >> 6) & k3) << 4);
        scales03 = u0 & k1;
        mins03 = u1 & k1;
    }

    /// <summary>Byte j of <paramref name="scales"/> is scale j, byte j of <paramref name="mins"/> is min j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UnpackK4(byte* s, out ulong scales, out ulong mins)
    {
        UnpackK4(s, out uint scales03, out uint scales47, out uint mins03, out uint mins47);
        scales = scales03 | ((ulong)scales47 << 32);
        mins = mins03 | ((ulong)mins47 << 32);
    }

    /// <summary>Unpacks the 12 packed bytes of Q3_K scales into 16 signed 6-bit values (before the −32 offset).</summary>
    public static void UnpackQ3K(ReadOnlySpan<byte> packed, Span<sbyte> scales)
    {
        const uint kmask1 = 0x03030303;
        const uint kmask2 = 0x0f0f0f0f;
        uint a0 = BinaryPrimitives.ReadUInt32LittleEndian(packed);
        uint a1 = BinaryPrimitives.ReadUInt32LittleEndian(packed[4..]);
        uint tmp = BinaryPrimitives.ReadUInt32LittleEndian(packed[8..]);
        uint r2 = ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
        uint r3 = ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
        uint r0 = (a0 & kmask2) | ((tmp & kmask1) << 4);
        uint r1 = (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4);
        for (int k = 0; k < 4; k++)
        {
            scales[k] = (sbyte)(r0 >> (8 * k));
            scales[4 + k] = (sbyte)(r1 >> (8 * k));
            scales[8 + k] = (sbyte)(r2 >> (8 * k));
            scales[12 + k] = (sbyte)(r3 >> (8 * k));
        }
    }
}
