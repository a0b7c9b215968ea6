// OnnxImporter on the real MiniLM file and on small built models: counts, constants mapped from the file, symbolic inputs.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Onnx;
using Strata.Compiler.Tests.Onnx;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests.Graphs;

public sealed class OnnxImporterTests(ITestOutputHelper output)
{
    [Fact]
    public void Import_MiniLm_CountsMatchTheFile()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        var log = new CompileLog();

        var graph = OnnxImporter.Import(model, log: log);

        Assert.Equal(650 - 155, graph.Nodes.Count);
        Assert.Equal(148 + 155, graph.Constants.Count);
        var counts = graph.Nodes.GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(48, counts["MatMul"]);
        Assert.Equal(89, counts["Add"]);
        Assert.Equal(49, counts["Shape"]);
        Assert.False(counts.ContainsKey("Constant"));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], graph.Inputs.Select(i => i.Name));
        Assert.Equal((DType.I64, "[batch, sequence]"), (graph.Inputs[0].Type, graph.Inputs[0].Shape?.ToString()));
        Assert.Equal(["last_hidden_state", "924"], graph.Outputs.Select(o => o.Name));
        Assert.Equal(13, graph.Opsets[""]);
        Assert.Equal(graph.Constants.Count + graph.Inputs.Count + graph.Nodes.Sum(n => n.Outputs.Count), graph.NextId);
        Assert.Equal(3, log.Entries.Count(e => e.Pass == OnnxImporter.PassName));
        foreach (var e in log.Entries)
        {
            output.WriteLine($"{e.Pass}: {e.Message}");
        }
    }

    [Fact]
    public void Import_MiniLm_InitializersAreMappedNotCopied()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        Assert.True(model.Graph.TryGetInitializer("embeddings.word_embeddings.weight", out var words));

        var graph = OnnxImporter.Import(model);

        var id = graph.ConstantValues.Single(c => c.Value.Name == words.Name).Key;
        var data = graph.Constants[id];
        Assert.True(data.IsMapped);
        Assert.Same(model, data.Owner);
        Assert.Equal("f32[30522, 384]", data.ToString());
        Assert.True(data.Bytes[..4096].SequenceEqual(words.Bytes[..4096]));
    }

    [Fact]
    public void Import_OutputsRestricted_KeepsOnlyThoseOutputs()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var graph = OnnxImporter.Import(model, ["last_hidden_state"]);

        Assert.Equal(["last_hidden_state"], graph.Outputs.Select(o => o.Name));
        Assert.Throws<ArgumentException>(() => OnnxImporter.Import(model, ["pooled"]));
    }

    [Fact]
    public void Import_MiniLm_PrintsTheGraph()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        var log = new CompileLog();

        var graph = ShapeInference.Run(OnnxImporter.Import(model, ["last_hidden_state"], log), log);
        graph = DeadCodeElimination.Run(ConstantFolding.Run(graph, log), log);
        foreach (var e in log.Entries)
        {
            output.WriteLine($"{e.Pass}: {e.Message}");
        }


        output.WriteLine(graph.ToText());
        Assert.NotEmpty(graph.Nodes);
    }
}
