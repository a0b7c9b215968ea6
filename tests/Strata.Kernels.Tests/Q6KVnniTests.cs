// The run-time assembled VNNI kernels over Q6_K level panels: the assembler forms they add, against GNU as.
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
}
