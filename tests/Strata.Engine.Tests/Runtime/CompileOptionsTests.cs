// Batch invariance and VNNI packing are compile options: they reach the executable, its hash and the runner's packing.
using Strata.Engine.Runtime;
using Strata.Kernels;

namespace Strata.Engine.Tests.Runtime;

public sealed class CompileOptionsTests
{
    private static ModelRuntime Load(bool batchInvariant, bool vnni) =>
        ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q8_0.gguf"), null,
            new EngineOptions(Threads: 2, ContextTokens: 64, BatchTokens: 16, Mode: NumericMode.QuantizedActivations, BatchInvariant: batchInvariant)
            {
                Vnni = vnni,
            });

    [Fact]
    public void Load_OnlyBatchInvarianceDiffers_ExecutableHashAndRunnerPackingDiffer()
    {
        using var plain = Load(batchInvariant: false, vnni: false);
        using var invariant = Load(batchInvariant: true, vnni: false);

        Assert.False(plain.Executable.Options.BatchInvariant);
        Assert.True(invariant.Executable.Options.BatchInvariant);
        Assert.NotEqual(plain.Executable.ContentHash, invariant.Executable.ContentHash);
        // The runner takes batch invariance from the executable: only the invariant one copies Q8_0 into integer tiles.
        Assert.Equal(0, plain.Runner.PackedBytes);
        if (Kernels.KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            // The integer tiles that take the packed copy are AVX-512's; an AVX2 machine packs nothing.
            Assert.True(invariant.Runner.PackedBytes > 0, "a batch-invariant Q8_0 executable packs its quantized products");
        }
    }

    [Fact]
    public void Load_OnlyVnniDiffers_HashDiffersWhereTheCpuRunsIt_AndTheRunnerPacksPanelsOnlyWhenTold()
    {
        using var off = Load(batchInvariant: true, vnni: false);
        using var on = Load(batchInvariant: true, vnni: true);

        Assert.False(off.Executable.Options.Vnni);
        Assert.Equal(KernelIsa.VnniSupported, on.Executable.Options.Vnni);
        if (!KernelIsa.VnniSupported)
        {
            Assert.Equal(off.Executable.ContentHash, on.Executable.ContentHash);
            return;
        }

        Assert.NotEqual(off.Executable.ContentHash, on.Executable.ContentHash);
        // Tiles hold 72 bytes per 64 weights, VNNI panels the raw 68: the layouts differ in size, so the sizes say which ran.
        Assert.True(off.Runner.PackedBytes > on.Runner.PackedBytes,
            $"tile copies {off.Runner.PackedBytes} bytes, expected more than the VNNI panels' {on.Runner.PackedBytes}");
    }
}
