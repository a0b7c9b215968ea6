// A minimal x86-64 assembler for the kernels .NET cannot express: the EVEX forms the generated micro-kernels use.
namespace Strata.Kernels.Jit;

/// <summary>
/// Emits x86-64 machine code into a byte list: the 512-bit EVEX instructions of <see cref="Q8Vnni"/>'s micro-kernels
/// (loads, stores, broadcasts, vpdpbusd, converts, multiplies, fused multiply-adds) and the few integer instructions
/// of their loops, and nothing else. .NET 10 has no intrinsic for AVX-512 VNNI (the CPU has it; no X86 class reports it), so the kernels
/// that need it are assembled here at run time, as oneDNN's Xbyak kernels are. Memory operands always take a 32-bit
/// displacement (mod = 10), which sidesteps the EVEX compressed-displacement rules; bytes are checked against GNU as in
/// the tests.
/// </summary>
internal sealed class Amd64Assembler
{
    private readonly List<byte> _code = new(1024);

    /// <summary>The bytes emitted so far.</summary>
    public byte[] ToArray() => [.. _code];

    /// <summary>Offset of the next instruction: a label for <see cref="Jnz"/>.</summary>
    public int Position => _code.Count;

    // ---- EVEX.512 vector instructions -------------------------------------------------------------------------------

    /// <summary>vmovups zmm, [m].</summary>
    public void VmovupsLoad(int zmm, Mem m) => EvexMem(1, 0, false, 0x10, zmm, 0, m, false);

    /// <summary>vmovups [m], zmm.</summary>
    public void VmovupsStore(Mem m, int zmm) => EvexMem(1, 0, false, 0x11, zmm, 0, m, false);

    /// <summary>vpbroadcastd zmm, dword [m].</summary>
    public void VpbroadcastdLoad(int zmm, Mem m) => EvexMem(2, 1, false, 0x58, zmm, 0, m, false);

    /// <summary>vpdpbusd dst, a, b: dst.i32 += Σ₄ a.u8 · b.s8 per lane.</summary>
    public void Vpdpbusd(int dst, int a, int b) => EvexReg(2, 1, false, 0x50, dst, a, b);

    /// <summary>vcvtdq2ps dst, src (round to nearest even).</summary>
    public void Vcvtdq2ps(int dst, int src) => EvexReg(1, 0, false, 0x5B, dst, 0, src);

    /// <summary>vmulps dst, a, dword [m]{1to16}.</summary>
    public void VmulpsBroadcast(int dst, int a, Mem m) => EvexMem(1, 0, false, 0x59, dst, a, m, true);

    /// <summary>vfmadd231ps dst, a, b: dst = a · b + dst, one rounding.</summary>
    public void Vfmadd231ps(int dst, int a, int b) => EvexReg(2, 1, false, 0xB8, dst, a, b);

    /// <summary>vcvtph2ps zmm, [m]: 16 halves (256 bits) to singles, exactly (F16C's conversion in its EVEX form, which .NET 10 does not expose).</summary>
    public void Vcvtph2psLoad(int zmm, Mem m) => EvexMem(2, 1, false, 0x13, zmm, 0, m, false);

    /// <summary>vunpcklps dst, a, b: the low two singles of each 128-bit lane of a and b, interleaved.</summary>
    public void Vunpcklps(int dst, int a, int b) => EvexReg(1, 0, false, 0x14, dst, a, b);

    /// <summary>vunpckhps dst, a, b: the high two singles of each 128-bit lane of a and b, interleaved.</summary>
    public void Vunpckhps(int dst, int a, int b) => EvexReg(1, 0, false, 0x15, dst, a, b);

    /// <summary>vunpcklpd dst, a, b: the low double (single pair) of each 128-bit lane of a and b, interleaved.</summary>
    public void Vunpcklpd(int dst, int a, int b) => EvexReg(1, 1, true, 0x14, dst, a, b);

    /// <summary>vunpckhpd dst, a, b: the high double (single pair) of each 128-bit lane of a and b, interleaved.</summary>
    public void Vunpckhpd(int dst, int a, int b) => EvexReg(1, 1, true, 0x15, dst, a, b);

    /// <summary>vshuff32x4 dst, a, b, imm: 128-bit lanes 0–1 picked from a, 2–3 from b, two bits of imm each.</summary>
    public void Vshuff32x4(int dst, int a, int b, byte imm)
    {
        EvexReg(3, 1, false, 0x23, dst, a, b);
        Emit(imm);
    }

    /// <summary>vpxord dst, a, b.</summary>
    public void Vpxord(int dst, int a, int b) => EvexReg(1, 1, false, 0xEF, dst, a, b);

    /// <summary>vpandd zmm(dst), zmm(a), zmm(b).</summary>
    public void Vpandd(int dst, int a, int b) => EvexReg(1, 1, false, 0xDB, dst, a, b);

    /// <summary>vpsrlw zmm(dst), zmm(src), imm8: each 16-bit lane shifted right logically.</summary>
    public void VpsrlwImm(int dst, int src, byte imm)
    {
        EvexReg(1, 1, false, 0x71, 2, dst, src);
        Emit(imm);
    }

    /// <summary>vpaddb zmm(dst){k(mask)}, zmm(a), zmm(b): byte sums where the mask bit is set, dst kept elsewhere.</summary>
    public void VpaddbMasked(int dst, int mask, int a, int b)
    {
        if ((uint)mask is 0 or > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, "an opmask is k1–k7");
        }

        EvexReg(1, 1, false, 0xFC, dst, a, b, mask);
    }

    /// <summary>vpdpbusd dst, a, dword [m]{1to16}: dst.i32 += Σ₄ a.u8 · m.s8, the four bytes at m in every lane.</summary>
    public void VpdpbusdBroadcast(int dst, int a, Mem m) => EvexMem(2, 1, false, 0x50, dst, a, m, true);

    /// <summary>vpdpwssd dst, a, dword [m]{1to16}: dst.i32 += Σ₂ a.i16 · m.i16, the two words at m in every lane.</summary>
    public void VpdpwssdBroadcast(int dst, int a, Mem m) => EvexMem(2, 1, false, 0x52, dst, a, m, true);

    /// <summary>vpmulld dst, a, b: the low 32 bits of each lane's product.</summary>
    public void Vpmulld(int dst, int a, int b) => EvexReg(2, 1, false, 0x40, dst, a, b);

    /// <summary>vpaddd dst, a, b.</summary>
    public void Vpaddd(int dst, int a, int b) => EvexReg(1, 1, false, 0xFE, dst, a, b);

    /// <summary>vpandd dst, a, [m].</summary>
    public void VpanddLoad(int dst, int a, Mem m) => EvexMem(1, 1, false, 0xDB, dst, a, m, false);

    /// <summary>vpsrld zmm(dst), [m], imm8: the 64 bytes at m, each 32-bit lane shifted right logically.</summary>
    public void VpsrldImmLoad(int dst, Mem m, byte imm)
    {
        EvexMem(1, 1, false, 0x72, 2, dst, m, false);
        Emit(imm);
    }

    /// <summary>vpternlogd dst, a, b, imm8: bitwise f(dst, a, b) by the truth table imm (dst = 0xF0, a = 0xCC, b = 0xAA).</summary>
    public void Vpternlogd(int dst, int a, int b, byte imm)
    {
        EvexReg(3, 1, false, 0x25, dst, a, b);
        Emit(imm);
    }

    /// <summary>vpmovsxbd zmm, [m]: 16 signed bytes at m widened to 32-bit lanes.</summary>
    public void VpmovsxbdLoad(int zmm, Mem m) => EvexMem(2, 1, false, 0x21, zmm, 0, m, false);

    /// <summary>vcvtps2ph ymmword [m], zmm, imm8: 16 floats rounded to halves (imm 0: to nearest even) and stored.</summary>
    public void Vcvtps2phStore(Mem m, int zmm, byte imm)
    {
        EvexMem(3, 1, false, 0x1D, zmm, 0, m, false);
        Emit(imm);
    }

    /// <summary>vaddps dst, a, b.</summary>
    public void Vaddps(int dst, int a, int b) => EvexReg(1, 0, false, 0x58, dst, a, b);

    /// <summary>vsubps dst, a, b: a − b.</summary>
    public void Vsubps(int dst, int a, int b) => EvexReg(1, 0, false, 0x5C, dst, a, b);

    /// <summary>prefetcht1 byte [m] (0F 18 /2): the cache line at m towards L2; a hint that never faults, so it may run past the data.</summary>
    public void Prefetcht1(Mem m)
    {
        int x = m.Index is { } ix ? ((int)ix >> 3) & 1 : 0;
        int b = ((int)m.Base >> 3) & 1;
        if ((x | b) != 0)
        {
            Emit((byte)(0x40 | (x << 1) | b));
        }

        Emit(0x0F, 0x18);
        ModRmMem(2, m);
    }

    /// <summary>vpbroadcastd zmm(dst), r32: the 32-bit register in every lane.</summary>
    public void VpbroadcastdGpr(int zmm, Gpr r) => EvexReg(2, 1, false, 0x7C, zmm, 0, (int)r);

    /// <summary>mov r32, imm32 (zero-extends into the 64-bit register).</summary>
    public void MovImm32(Gpr r, int imm)
    {
        if ((int)r >= 8)
        {
            Emit(0x41);
        }

        Emit((byte)(0xB8 + ((int)r & 7)));
        Imm32(imm);
    }

    /// <summary>kmovq k(mask), qword [m] (VEX; base register only, no index).</summary>
    public void KmovqLoad(int mask, Mem m)
    {
        if ((uint)mask > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, "opmask registers are k0–k7");
        }

        if (m.Index is not null)
        {
            throw new ArgumentException("kmovq takes a base register only", nameof(m));
        }

        Emit(0xC4, (byte)(0xC1 | ((~((int)m.Base >> 3) & 1) << 5)), 0xF8, 0x90);
        ModRmMem(mask, m);
    }

    /// <summary>vzeroupper.</summary>
    public void Vzeroupper() => Emit(0xC5, 0xF8, 0x77);

    // ---- integer instructions ---------------------------------------------------------------------------------------

    /// <summary>add r64, imm32 (REX.W 81 /0 id).</summary>
    public void AddImm(Gpr r, int imm)
    {
        int n = (int)r;
        Emit((byte)(0x48 | (n >> 3)), 0x81, (byte)(0xC0 | (n & 7)));
        Imm32(imm);
    }

    /// <summary>lea r64, [m] (REX.W 8D /r).</summary>
    public void Lea(Gpr r, Mem m)
    {
        int reg = (int)r;
        int x = m.Index is { } ix ? ((int)ix >> 3) & 1 : 0;
        Emit((byte)(0x48 | (((reg >> 3) & 1) << 2) | (x << 1) | (((int)m.Base >> 3) & 1)), 0x8D);
        ModRmMem(reg, m);
    }

    /// <summary>dec r64.</summary>
    public void Dec(Gpr r)
    {
        int n = (int)r;
        Emit((byte)(0x48 | (n >> 3)), 0xFF, (byte)(0xC8 | (n & 7)));
    }

    /// <summary>jnz to an earlier <see cref="Position"/> (rel32).</summary>
    public void Jnz(int target)
    {
        int rel = target - (_code.Count + 6);
        Emit(0x0F, 0x85);
        Imm32(rel);
    }

    /// <summary>ret.</summary>
    public void Ret() => Emit(0xC3);

    // ---- encoding ---------------------------------------------------------------------------------------------------

    /// <summary>EVEX.512 with a register rm operand. map: 1 = 0F, 2 = 0F38, 3 = 0F3A; pp: 0 none, 1 = 66, 2 = F3, 3 = F2; vvvv 0 when unused.</summary>
    private void EvexReg(int map, int pp, bool w, byte opcode, int reg, int vvvv, int rm, int mask = 0)
    {
        CheckZmm(reg);
        CheckZmm(vvvv);
        CheckZmm(rm);
        Evex(map, pp, w, reg, vvvv, (rm >> 3) & 1, (rm >> 4) & 1, false, mask);
        Emit(opcode, (byte)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
    }

    /// <summary>EVEX.512 with a memory rm operand; broadcast sets EVEX.b (a 32-bit element broadcast).</summary>
    private void EvexMem(int map, int pp, bool w, byte opcode, int reg, int vvvv, Mem m, bool broadcast)
    {
        CheckZmm(reg);
        CheckZmm(vvvv);
        int x = m.Index is { } ix ? ((int)ix >> 3) & 1 : 0;
        Evex(map, pp, w, reg, vvvv, ((int)m.Base >> 3) & 1, x, broadcast);
        Emit(opcode);
        ModRmMem(reg, m);
    }

    /// <summary>62 P0 P1 P2 with L'L = 10 (512 bits), merge-masked by k(mask) where mask is not 0.</summary>
    private void Evex(int map, int pp, bool w, int reg, int vvvv, int b, int x, bool broadcast, int mask = 0)
    {
        int p0 = ((~reg >> 3) & 1) << 7 | ((~x & 1) << 6) | ((~b & 1) << 5) | (((~reg >> 4) & 1) << 4) | map;
        int p1 = (w ? 0x80 : 0) | ((~vvvv & 15) << 3) | 0x04 | pp;
        int p2 = (2 << 5) | (broadcast ? 0x10 : 0) | (((~vvvv >> 4) & 1) << 3) | mask;
        Emit(0x62, (byte)p0, (byte)p1, (byte)p2);
    }

    /// <summary>ModRM (mod = 10), SIB where an index or an rsp/r12 base needs one, disp32.</summary>
    private void ModRmMem(int reg, Mem m)
    {
        int bas = (int)m.Base & 7;
        if (m.Index is { } index)
        {
            if (index == Gpr.Rsp)
            {
                throw new ArgumentException("rsp cannot be an index", nameof(m));
            }

            int ss = m.Scale switch
            {
                1 => 0,
                2 => 1,
                4 => 2,
                8 => 3,
                _ => throw new ArgumentException($"scale {m.Scale} is not 1, 2, 4 or 8", nameof(m)),
            };
            Emit((byte)(0x80 | ((reg & 7) << 3) | 4), (byte)((ss << 6) | (((int)index & 7) << 3) | bas));
        }
        else if (bas == 4)
        {
            Emit((byte)(0x80 | ((reg & 7) << 3) | 4), 0x24);
        }
        else
        {
            Emit((byte)(0x80 | ((reg & 7) << 3) | bas));
        }

        Imm32(m.Disp);
    }

    private static void CheckZmm(int r)
    {
        if ((uint)r > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(r), r, "zmm registers are 0–31");
        }
    }

    private void Imm32(int v) => Emit((byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24));

    private void Emit(params ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            _code.Add(b);
        }
    }
}
