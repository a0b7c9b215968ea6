// The compiler's kernel plan: every matrix product has buckets covering its row capacity, batch invariance means one
// kernel for every row count, VNNI packing means VNNI panels, and the plan reaches the compile log and the evidence map.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Compiler.Passes;
using Strata.Kernels;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests;

public sealed class KernelSelectionTests(ITestOutputHelper output)
{
    private static readonly CompileOptions Options = SpecFactory.PlanOptions;

    [Theory]
    [InlineData(NumericMode.Exact, false)]
    [InlineData(NumericMode.Exact, true)]
    [InlineData(NumericMode.QuantizedActivations, false)]
    [InlineData(NumericMode.QuantizedActivations, true)]
    public void Compile_EveryMatMulStep_HasBucketsCoveringItsRowCapacity(NumericMode mode, bool batchInvariant)
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(), Options with { Mode = mode, BatchInvariant = batchInvariant });
        var matMuls = Enumerable.Range(0, exe.Steps.Length).Where(i => exe.Steps[i].Op is OpKind.MatMul or OpKind.MatMulQuantized).ToList();

        Assert.Equal(matMuls, exe.MatMulKernels.Select(k => k.Step));
        foreach (var plan in exe.MatMulKernels)
        {
            int capacity = exe.Steps[plan.Step].Rows == RowSpace.Outputs ? exe.MaxOutputRows : exe.MaxBatchTokens;
            Assert.Equal(1, plan.Buckets[0].MinRows);
            Assert.Equal(capacity, plan.Buckets[^1].MaxRows);
            for (int b = 1; b < plan.Buckets.Count; b++)
            {
                Assert.Equal(plan.Buckets[b - 1].MaxRows + 1, plan.Buckets[b].MinRows);
                Assert.NotEqual(plan.Buckets[b - 1].Kernel, plan.Buckets[b].Kernel);
            }

            Assert.Equal(exe.Weights[exe.Steps[plan.Step].WeightIndex].Name, plan.Weight);
        }
    }

    [Theory]
    [InlineData(NumericMode.Exact)]
    [InlineData(NumericMode.QuantizedActivations)]
    public void Compile_BatchInvariant_OneKernelForEveryRowCount(NumericMode mode)
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(), Options with { Mode = mode, BatchInvariant = true });
        Assert.All(exe.MatMulKernels, plan => Assert.Single(plan.Buckets));
    }

    [Fact]
    public void Compile_ExactOnAvx512_DecodeMatVec_TilesThenOuterProductForLongPrefill()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(), Options);
        var q = exe.MatMulKernels.First(k => k.Weight == "blk.0.attn_q.weight");
        output.WriteLine(q.Describe());
        if (!KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            Assert.Equal(MatMulKernel.DequantRowDot, q.KernelFor(1));
            Assert.Equal(MatMulKernel.DequantTile4, q.KernelFor(160));
            return;
        }

        Assert.Equal(
            [new KernelBucket(1, 1, MatMulKernel.DequantMatVec512), new KernelBucket(2, 127, MatMulKernel.DequantTile4),
             new KernelBucket(128, 160, MatMulKernel.FloatOuterTile)],
            q.Buckets);
    }

    [Fact]
    public void Compile_Vnni_Q8_0ProductsPackedAsPanelsWithOneKernel_OtherwiseTilesOnlyWhenInvariant()
    {
        var quantized = Options with { Mode = NumericMode.QuantizedActivations };
        var plain = DecoderCompiler.Compile(SpecFactory.Llama(), quantized);
        var invariant = DecoderCompiler.Compile(SpecFactory.Llama(), quantized with { BatchInvariant = true });
        var vnni = DecoderCompiler.Compile(SpecFactory.Llama(), quantized with { Vnni = true });
        static IEnumerable<StepKernels> Q8(Executable e) => e.MatMulKernels.Where(k => k.Op == OpKind.MatMulQuantized && k.Type == GgmlType.Q8_0);

        Assert.NotEmpty(Q8(plain));
        Assert.All(Q8(plain), k => Assert.Null(k.Packing));
        bool tiles = KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal);
        Assert.All(Q8(invariant), k => Assert.Equal(tiles ? Q8Layout.Tile : null, k.Packing));
        if (!KernelIsa.VnniSupported)
        {
            Assert.All(Q8(vnni), k => Assert.Null(k.Packing));
            return;
        }

        Assert.All(Q8(vnni), k => Assert.Equal([new KernelBucket(1, k.Buckets[^1].MaxRows, MatMulKernel.VnniPanels)], k.Buckets));
        Assert.All(Q8(vnni), k => Assert.Equal(Q8Layout.Vnni, k.Packing));
    }

    [Fact]
    public void Compile_KernelPlan_InCompileLogAndEvidenceMap()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(), Options with { Mode = NumericMode.QuantizedActivations });
        foreach (var e in exe.Log.Entries)
        {
            output.WriteLine($"{e.Pass}: {e.Message}");
        }

        foreach (var (op, kernel) in exe.KernelChoices)
        {
            output.WriteLine($"{op} = {kernel}");
        }

        var lines = exe.Log.Entries.Where(e => e.Pass == KernelSelection.Name).Select(e => e.Message).ToList();
        Assert.Contains(lines, l => l.StartsWith("MatMulQuantized Q8_0 [64, 64]: rows 1", StringComparison.Ordinal));
        Assert.Equal(exe.MatMulKernels.Count, lines.Sum(l => int.Parse(l[(l.LastIndexOf('×') + 2)..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.StartsWith("rows 1", exe.KernelChoices["MatMulQuantized.Q8_0"], StringComparison.Ordinal);
        Assert.StartsWith("rows 1", exe.KernelChoices["MatMul.F32"], StringComparison.Ordinal);
    }
}
