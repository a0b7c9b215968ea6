// The real model: all-MiniLM-L6-v2 as exported by PyTorch (facts in shared/models/MANIFEST.md section 5).
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Tests.Onnx;

public sealed class OnnxModelMiniLmTests
{
    [Fact]
    public void Load_MiniLm_ReadsOpsetsInputsOutputsNodesAndInitializers()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("pytorch", model.ProducerName);
        Assert.True(model.TryGetOpsetVersion("", out long opset));
        Assert.Equal(13, opset);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], model.Graph.Inputs.Select(i => i.Name));
        Assert.All(model.Graph.Inputs, i => Assert.Equal(OnnxDataType.Int64, i.Type.ElementType));
        Assert.Equal(["last_hidden_state", "924"], model.Graph.Outputs.Select(o => o.Name));
        // The exporter names even fixed output dims symbolically, except the pooler's width.
        Assert.Equal("Float[batch, sequence, Addlast_hidden_state_dim_2]", model.Graph.Outputs[0].Type.ToString());
        Assert.Equal(384, model.Graph.Outputs[1].Type.Shape![1].Value);
        Assert.Equal("Int64[batch, sequence]", model.Graph.Inputs[0].Type.ToString());
        Assert.Equal(148, model.Graph.Initializers.Count);

        var counts = model.Graph.Nodes.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(48, counts["MatMul"]);
        Assert.Equal(6, counts["Softmax"]);
        Assert.Equal(6, counts["Erf"]);
        Assert.Equal(1, counts["Gemm"]);
        Assert.Equal(155, counts["Constant"]);
    }

    [Fact]
    public void Summary_MiniLm_MatchesTheManifestHistogram()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        var summary = OnnxModelSummary.Of(model);

        // shared/models/MANIFEST.md section 5, in the same order.
        Assert.Equal("Constant 155, Add 89, Gather 53, Unsqueeze 51, Shape 49, MatMul 48, Mul 26, ReduceMean 26, Div 25, Concat 24, Reshape 24, "
            + "Transpose 24, Sub 14, Pow 13, Sqrt 13, Erf 6, Softmax 6, Cast 1, Gemm 1, Slice 1, Tanh 1",
            string.Join(", ", summary.NodesByOp.Select(c => $"{c.Op} {c.Count}")));
        Assert.Equal(650, summary.NodeCount);
        Assert.Equal("pytorch 1.10", summary.Producer);
        Assert.Equal((148, 90_857_312L), (summary.InitializerCount, summary.InitializerBytes));
    }

    [Fact]
    public void Load_MiniLm_InitializerBytesAreSlicesOfTheFileWithTheirDims()
    {
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);

        Assert.True(model.Graph.TryGetInitializer("embeddings.word_embeddings.weight", out var words));
        Assert.Equal(OnnxDataType.Float, words.DataType);
        Assert.Equal([30522L, 384L], words.Dims);
        Assert.Equal(30522L * 384 * 4, words.ByteLength);
        Assert.NotNull(words.DataOffsetBytes);

        // The bytes are the file's own at that offset: read them independently and compare.
        byte[] expected = new byte[64];
        using (var stream = File.OpenRead(OnnxTestModels.MiniLm))
        {
            stream.Position = words.DataOffsetBytes!.Value;
            stream.ReadExactly(expected);
        }

        Assert.Equal(expected, words.Bytes[..64].ToArray());
        long total = model.Graph.Initializers.Sum(t => t.ByteLength);
        Assert.InRange(total, 85_000_000, model.LengthBytes);
    }

    [Fact]
    public void Load_MiniLm_AllocatesFarLessThanItsWeights()
    {
        using (OnnxModel.Load(OnnxTestModels.MiniLm))
        {
            // warm-up: JIT and the parser's static tables
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var model = OnnxModel.Load(OnnxTestModels.MiniLm);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 90.9 MB of raw_data stay in the mapping; the skeleton, the parsed messages and the records about 1.7 MB.
        Assert.True(allocated < 4_000_000, $"loading allocated {allocated} bytes");
        Assert.Equal(148, model.Graph.Initializers.Count);
    }

    [Fact]
    public void Load_MiniLmFromBytes_MatchesTheMappedLoad()
    {
        byte[] bytes = File.ReadAllBytes(OnnxTestModels.MiniLm);
        using var mapped = OnnxModel.Load(OnnxTestModels.MiniLm);
        using var fromBytes = OnnxModel.Load(bytes, "minilm");

        Assert.Equal(mapped.Graph.Nodes.Count, fromBytes.Graph.Nodes.Count);
        Assert.Equal(mapped.Graph.Initializers.Select(t => (t.Name, t.DataOffsetBytes)), fromBytes.Graph.Initializers.Select(t => (t.Name, t.DataOffsetBytes)));
        Assert.True(mapped.Graph.Initializers[^1].Bytes.SequenceEqual(fromBytes.Graph.Initializers[^1].Bytes));
    }
}
