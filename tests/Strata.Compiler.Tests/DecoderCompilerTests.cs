// The compiler end to end on synthetic specs: graph shape, errors naming tensors, memory plan soundness, hash identity.
using Strata.Compiler.Builders;
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Compiler.Passes;
using Strata.Kernels;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests;

public sealed class DecoderCompilerTests(ITestOutputHelper output)
{
    private static readonly CompileOptions Options = new(MaxBatchTokens: 16, MaxOutputRows: 4, WeightsIdentity: "sha-a", KernelIsa: "avx512");

    [Fact]
    public void Compile_LlamaSpec_EmitsEveryLayerAndLogits()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(layers: 3), Options);

        // embed + per layer (norm, q, k, v, rope q, rope k, kv store, attention, out proj, add, norm, gate, up, swiglu, down, add) + gather, norm, logits
        Assert.Equal(1 + (3 * 16) + 3, exe.Steps.Length);
        Assert.Equal(3, Count(exe, OpKind.Attention));
        Assert.Equal(3, Count(exe, OpKind.KvStore));
        Assert.Equal(OpKind.MatMul, exe.Steps[^1].Op);
        Assert.Equal(512, exe.VocabSize);
        Assert.Equal(RowSpace.Outputs, exe.Steps[^1].Rows);
        Assert.Contains("output.weight", exe.Weights.Select(w => w.Name));
    }

    [Fact]
    public void Compile_TiedOutput_UsesTokenEmbeddingForLogits()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(tiedOutput: true), Options);
        var logits = exe.Steps[^1];
        Assert.Equal("token_embd.weight", exe.Weights[logits.WeightIndex].Name);
        Assert.DoesNotContain("output.weight", exe.Weights.Select(w => w.Name));
    }

    [Fact]
    public void Compile_QkvBias_AddsBiasSteps()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(layers: 2, qkvBias: true), Options);
        Assert.Equal(6, Count(exe, OpKind.AddBias));
        Assert.All(exe.Steps.Where(s => s.Op == OpKind.Rope), s => Assert.Equal(RopeMode.NeoX, s.Attributes.RopeMode));
    }

    [Fact]
    public void Compile_MissingTensor_NamesIt()
    {
        var spec = SpecFactory.Without(SpecFactory.Llama(), "blk.1.ffn_down.weight");
        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(spec, Options));
        Assert.Contains("'blk.1.ffn_down.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_WrongShape_NamesExpectedAndFound()
    {
        var spec = SpecFactory.With(SpecFactory.Llama(), new TensorDescriptor("blk.0.attn_k.weight", GgmlType.F32, [64, 48]));
        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(spec, Options));
        Assert.Contains("'blk.0.attn_k.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[64, 48]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[64, 32]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 3)]   // heads not a multiple of kv heads
    [InlineData(7, 7)]   // head dim 64/7 not integral → checked by caller; here odd head dim
    public void Compile_BadHeadCounts_Rejected(int heads, int kvHeads)
    {
        var spec = SpecFactory.Llama() with { Heads = heads, KvHeads = kvHeads, HeadDim = 64 / heads };
        Assert.Throws<CompileException>(() => DecoderCompiler.Compile(spec, Options));
    }

    [Fact]
    public void Compile_BadCapacity_Rejected()
    {
        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(SpecFactory.Llama(), Options with { MaxOutputRows = 17 }));
        Assert.Contains("17", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SameInputs_SameHash_AndEachIdentityChangesIt()
    {
        var spec = SpecFactory.Llama();
        string hash = DecoderCompiler.Compile(spec, Options).ContentHash;
        Assert.Equal(hash, DecoderCompiler.Compile(SpecFactory.Llama(), Options).ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.NotEqual(hash, DecoderCompiler.Compile(spec, Options with { WeightsIdentity = "sha-b" }).ContentHash);
        Assert.NotEqual(hash, DecoderCompiler.Compile(spec, Options with { KernelIsa = "avx2" }).ContentHash);
        Assert.NotEqual(hash, DecoderCompiler.Compile(spec, Options with { MaxBatchTokens = 32 }).ContentHash);
        Assert.NotEqual(hash, DecoderCompiler.Compile(SpecFactory.Llama(matrixType: GgmlType.Q4_0), Options).ContentHash);
    }

    [Fact]
    public void Compile_OnlyBatchInvarianceDiffers_HashDiffers_AndOptionsTravel()
    {
        var spec = SpecFactory.Llama();
        var plain = DecoderCompiler.Compile(spec, Options);
        var invariant = DecoderCompiler.Compile(spec, Options with { BatchInvariant = true });
        Assert.NotEqual(plain.ContentHash, invariant.ContentHash);
        Assert.False(plain.Options.BatchInvariant);
        Assert.True(invariant.Options.BatchInvariant);
    }

    [Fact]
    public void Compile_OnlyVnniDiffers_HashDiffers_AndOptionsTravel()
    {
        var spec = SpecFactory.Llama(matrixType: GgmlType.Q8_0);
        var quantized = Options with { Mode = NumericMode.QuantizedActivations };
        var plain = DecoderCompiler.Compile(spec, quantized);
        var vnni = DecoderCompiler.Compile(spec, quantized with { Vnni = true });
        Assert.NotEqual(plain.ContentHash, vnni.ContentHash);
        Assert.False(plain.Options.Vnni);
        Assert.True(vnni.Options.Vnni);
    }

    [Fact]
    public void Compile_Log_RecordsEveryPassInOrder()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(), Options);
        Assert.Equal(["build", DecoderCompiler.TypedGraphPass, "shape-inference", "dead-code", "cse", "plan-memory", KernelSelection.Name, ProductGrouping.Name, "lower"], exe.Log.Passes);
    }

    [Fact]
    public void Compile_SharedTypedPasses_TypeEveryValueAndKeepEveryNode()
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(layers: 1), Options);
        foreach (var e in exe.Log.Entries)
        {
            output.WriteLine($"{e.Pass}: {e.Message}");
        }

        string Line(string pass) => exe.Log.Entries.Single(e => e.Pass == pass).Message;
        int nodes = exe.Steps.Length;
        Assert.Equal($"{nodes} nodes over 12 external weights; input %{nodes}:i32[tokens]", Line(DecoderCompiler.TypedGraphPass));
        Assert.Equal($"{nodes + 1} of {nodes + 1} values have fully known symbolic shapes", Line("shape-inference"));
        Assert.StartsWith("removed 0 nodes", Line("dead-code"), StringComparison.Ordinal);
        Assert.Equal($"merged 0 duplicate nodes and 0 duplicate constants; {nodes} nodes remain", Line("cse"));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 4)]
    [InlineData(64, 64)]
    public void Compile_MemoryPlan_NoTwoLiveValuesOverlapAndArenaBeatsNaive(int tokens, int outputs)
    {
        var exe = DecoderCompiler.Compile(SpecFactory.Llama(layers: 4), Options with { MaxBatchTokens = tokens, MaxOutputRows = outputs });
        MemoryPlanChecker.AssertSound(exe);
        long naive = exe.Graph.Nodes.Sum(n => MemoryPlanChecker.SlotFloats(n.Output, tokens, outputs));
        Assert.True(exe.ArenaFloats * 4 < naive, $"arena {exe.ArenaFloats} floats is not below the naive {naive}/4");
    }

    private static int Count(Executable exe, OpKind op) => exe.Steps.Count(s => s.Op == op);
}
