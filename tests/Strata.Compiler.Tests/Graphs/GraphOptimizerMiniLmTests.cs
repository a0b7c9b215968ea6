// GraphOptimizer on the real all-MiniLM-L6-v2 export, restricted to last_hidden_state: the fused encoder it must become.
using System.Diagnostics;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Onnx;
using Strata.Compiler.Tests.Onnx;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests.Graphs;

public sealed class GraphOptimizerMiniLmTests(ITestOutputHelper output)
{
    private static (OpGraph Graph, CompileLog Log) Optimize(OnnxModel model)
    {
        var log = new CompileLog();
        var graph = GraphOptimizer.Run(OnnxImporter.Import(model, ["last_hidden_state"], log), log);
        return (graph, log);
    }

    [Fact]
    public void Run_MiniLm_FusesEveryLayer()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var (graph, log) = Optimize(model);

        var counts = graph.Nodes.GroupBy(n => n.Domain.Length == 0 ? n.Op : $"{n.Domain}.{n.Op}").ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        Assert.Equal(6, counts["strata.Attention"]);
        Assert.Equal(13, counts["strata.LayerNorm"]);
        Assert.Equal(24, counts["strata.Dense"]); // 36 products; each layer's q, k, v as one
        Assert.Equal(6, graph.Nodes.Count(n => n.IsStrata(StrataOps.Dense) && graph.TryGetConstant(n.Input(1), out var w) && w.Dims[0] == 1152));
        Assert.False(counts.ContainsKey("strata.Gelu"));
        Assert.Equal(6, graph.Nodes.Count(n => n.IsStrata(StrataOps.Dense) && n.Attributes.String("activation", "") == "gelu"));
        Assert.All(graph.Nodes.Where(n => n.IsStrata(StrataOps.Attention)), n => Assert.Equal("{heads=12, scale=0.17677669}", n.Attributes.ToString()));
        foreach (string op in new[] { "Shape", "Concat", "Reshape", "Transpose", "Unsqueeze", "MatMul", "Softmax", "Erf", "ReduceMean" })
        {
            Assert.False(counts.ContainsKey(op) && graph.Nodes.Any(n => n.Is(op) && n.Output.Type == DType.F32), $"{op} is left on the path");
        }
    }

    [Fact]
    public void ConstantFolding_MiniLm_LeavesNoShapeArithmeticOnThePath()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        var log = new CompileLog();
        var graph = OnnxImporter.Import(model, ["last_hidden_state"], log);

        foreach (var pass in new Func<OpGraph, CompileLog, OpGraph>[] { ShapeInference.Run, ConstantFolding.Run, DeadCodeElimination.Run })
        {
            graph = pass(graph, log);
        }

        // What remains of Gather and Unsqueeze reads data (embeddings, the attention mask), never a shape.
        Assert.DoesNotContain(graph.Nodes, n => n.Is("Shape") || n.Is("Concat"));
        Assert.All(graph.Nodes.Where(n => n.Is("Gather")), n => Assert.Equal(DType.F32, n.Output.Type));
        Assert.All(graph.Nodes.Where(n => n.Is("Unsqueeze")), n => Assert.True(n.Output.Shape!.Rank >= 3));
        Assert.All(graph.Nodes.Where(n => n.Is("Reshape")), n => Assert.Null(n.Input(1)));
        Assert.All(graph.Nodes.SelectMany(n => n.Outputs), v => Assert.True(v.Shape is { HasUnknown: false }, $"{v} {v.Name}"));
        Assert.Contains(graph.Nodes, n => n.Is("Reshape") && n.Output.Shape!.ToString() == "[batch, sequence, 12, 32]");
    }

    [Fact]
    public void Run_MiniLm_EveryValueHasAKnownSymbolicShape()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var (graph, _) = Optimize(model);

        Assert.All(graph.Nodes.SelectMany(n => n.Outputs), v => Assert.True(v.Shape is { HasUnknown: false } && v.Type != DType.Unknown, $"{v} {v.Name}"));
        Assert.Equal("[batch, sequence, 384]", graph.Outputs[0].Shape?.ToString());
        Assert.DoesNotContain(graph.Nodes, n => n.Is("Shape") || n.Is("Concat") || n.Is("Reshape") || n.Is("Transpose"));
    }

    [Fact]
    public void Run_MiniLmWithPooler_FusesTheGemmTanhIntoDenseOnTheMappedWeight()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var graph = GraphOptimizer.Run(OnnxImporter.Import(model), new CompileLog());

        var pooler = Assert.Single(graph.Nodes, n => n.IsStrata(StrataOps.Dense) && n.Attributes.String("activation", "") == "tanh");
        Assert.Equal(25, graph.Nodes.Count(n => n.IsStrata(StrataOps.Dense))); // 24 of the encoder (q, k, v grouped per layer) and the pooler
        Assert.True(graph.TryGetConstant(pooler.Inputs[1], out var weight) && weight.IsMapped);
        Assert.Equal("[batch, 384]", graph.Outputs[1].Shape?.ToString());
    }

    [Fact]
    public void Run_MiniLm_LogsEveryPassWithCounts()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var (_, log) = Optimize(model);

        foreach (var e in log.Entries)
        {
            output.WriteLine($"{e.Pass}: {e.Message}");
        }

        foreach (var (name, _) in GraphOptimizer.Passes)
        {
            Assert.Contains(log.Entries, e => e.Pass == name);
        }

        Assert.Contains(log.Entries, e => e.Pass == "fuse-layernorm" && e.Message.StartsWith("fused 13 LayerNorm", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Pass == "fuse-attention" && e.Message.StartsWith("fused 6 Attention (6 with", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_MiniLm_PrintsTheOptimizedGraphAndTime()
    {
        var clock = Stopwatch.StartNew();
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        var (graph, _) = Optimize(model);
        clock.Stop();

        output.WriteLine($"load + import + optimize: {clock.Elapsed.TotalMilliseconds:F0} ms");
        output.WriteLine(graph.ToText());
        Assert.NotEmpty(graph.Nodes);
    }
}
