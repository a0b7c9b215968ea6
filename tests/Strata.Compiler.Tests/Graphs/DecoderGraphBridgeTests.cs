// The decoder builders' typed graphs: exact round trips through the runner's decoder graph for every family, the shared passes
// over them, external weights, and the shape rules' checks naming the node that contradicts its inputs.
using Strata.Compiler.Builders;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Decoder;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Tests.Graphs;

public sealed class DecoderGraphBridgeTests
{
    public static TheoryData<int> Families() => [.. Enumerable.Range(0, FamilyBuilderTests.AllSpecs().Count())];

    private static OpGraph Build(int family) => DecoderBuilders.Build(FamilyBuilderTests.AllSpecs().ElementAt(family), 1024);

    [Theory]
    [MemberData(nameof(Families))]
    public void RoundTrip_EveryFamily_TextIsIdentical(int family)
    {
        var typed = Build(family);
        var graph = DecoderGraphBridge.ToDecoder(typed);
        Assert.Equal(typed.ToText(), DecoderGraphBridge.FromDecoder(graph).ToText());
        Assert.Equal(graph.ToText(), DecoderGraphBridge.ToDecoder(DecoderGraphBridge.FromDecoder(graph)).ToText());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void SharedPasses_EveryFamily_InferEveryShapeAndChangeNothing(int family)
    {
        var built = Build(family);
        var log = new CompileLog();
        var typed = GraphOptimizer.Run(built, log, GraphOptimizer.DecoderPasses);
        var (known, total) = ShapeInference.CountKnown(typed);
        Assert.Equal(total, known);
        Assert.Equal(built.ToText(), typed.ToText());
        Assert.Contains(log.Entries, e => e.Pass == DeadCodeElimination.PassName && e.Message.StartsWith("removed 0 nodes", StringComparison.Ordinal));
    }

    [Fact]
    public void ActivationQuantization_SharesOneBufferPerInput_AndRoundTrips()
    {
        var log = new CompileLog();
        var built = GraphOptimizer.Run(DecoderBuilders.Build(SpecFactory.Llama(matrixType: GgmlType.Q8_0), 512), log, GraphOptimizer.DecoderPasses);
        var typed = ShapeInference.Run(ActivationQuantization.Run(built, log), log); // the rules check every quantized node
        // Per layer: one buffer for q/k/v, one for the output projection (the F32 FFN stays exact); one for the logits.
        Assert.Equal((2 * 2) + 1, typed.Nodes.Count(n => n.IsStrata(DecoderOps.QuantizeActivations)));
        Assert.Equal((4 * 2) + 1, typed.Nodes.Count(n => n.IsStrata(DecoderOps.MatMulQuantized)));
        Assert.Equal("9 matmuls use integer dots over 5 quantized activation buffers", log.Entries.Single(e => e.Pass == ActivationQuantization.PassName).Message);
        var graph = DecoderGraphBridge.ToDecoder(typed);
        Assert.Equal(graph.ToText(), DecoderGraphBridge.ToDecoder(DecoderGraphBridge.FromDecoder(graph)).ToText());
    }

    [Fact]
    public void Build_WeightsAreExternalConstantsWithTheirGgmlTypes()
    {
        var typed = DecoderBuilders.Build(SpecFactory.Llama(tiedOutput: true, matrixType: GgmlType.Q4_K), 512);
        Assert.Empty(typed.Constants);
        var embedding = Assert.Single(typed.ConstantValues.Values, v => v.Name == "token_embd.weight");
        Assert.Equal("%" + embedding.Id + ":q4_k[512, 64]", embedding.ToString());
        Assert.Equal(2, typed.Nodes.Count(n => n.Inputs.Contains(embedding))); // the embedding and the tied logits
        Assert.Equal(DType.F32, typed.ConstantValues.Values.Single(v => v.Name == "output_norm.weight").Type);
        Assert.Equal([DecoderGraphBridge.TokensInput], typed.Inputs.Select(v => v.Name));
    }

    [Fact]
    public void DeadCode_KeepsKvStores_EvenWhenNothingReadsThem()
    {
        var typed = DecoderBuilders.Build(SpecFactory.Llama(), 512);
        var unread = typed with { Nodes = [.. typed.Nodes.Where(n => !n.IsStrata(DecoderOps.CachedAttention) || n.Attributes.Int("layer", 0) != 1)] };
        var kept = DeadCodeElimination.Run(unread, new CompileLog());
        Assert.Contains(kept.Nodes, n => n.IsStrata(DecoderOps.KvStore) && n.Attributes.Int("layer", -1) == 1);
    }

    [Fact]
    public void ShapeInference_SliceOutOfRange_NamesTheNode()
    {
        var typed = Build(FamilyBuilderTests.AllSpecs().Count() - 1); // phi3: fused qkv, slices
        var slice = typed.Nodes.First(n => n.IsStrata(DecoderOps.Slice));
        var bad = typed with { Nodes = [.. typed.Nodes.Select(n => n == slice ? n with { Attributes = n.Attributes.With("offset", AttributeValue.Of(1000L)) } : n)] };
        var e = Assert.Throws<CompileException>(() => ShapeInference.Run(bad, new CompileLog()));
        Assert.Contains($"node '{slice.Name}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapeInference_ProductWiderThanItsWeight_NamesTheNode()
    {
        var graph = DecoderGraphBridge.ToDecoder(DecoderBuilders.Build(SpecFactory.Llama(), 512));
        var nodes = graph.Nodes.Select(n => n.Output.Name == "blk0.q" ? n with { Output = n.Output with { Width = 65 } } : n).ToList();
        var e = Assert.Throws<CompileException>(() => ShapeInference.Run(DecoderGraphBridge.FromDecoder(graph with { Nodes = nodes }), new CompileLog()));
        Assert.Contains("node 'blk0.q'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDecoder_InputUsedBeforeDefinition_NamesTheNode()
    {
        var graph = DecoderGraphBridge.ToDecoder(DecoderBuilders.Build(SpecFactory.Llama(), 512));
        var e = Assert.Throws<CompileException>(() => DecoderGraphBridge.FromDecoder(graph with { Nodes = [.. graph.Nodes.Skip(1)] }));
        Assert.Contains("used before it is defined", e.Message, StringComparison.Ordinal);
    }
}
