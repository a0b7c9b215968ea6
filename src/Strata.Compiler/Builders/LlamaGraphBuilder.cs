// Emits the Llama-family decoder (llama, qwen2-style QKV bias, tied or separate output) as IR from a DecoderSpec.
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Builders;

/// <summary>Builds the decoder graph: embed → L × (attention, SwiGLU FFN) → final norm → logits of the output rows.</summary>
public sealed class LlamaGraphBuilder
{
    private readonly DecoderSpec _spec;
    private readonly List<Node> _nodes = [];
    private int _nextValueId;

    private LlamaGraphBuilder(DecoderSpec spec) => _spec = spec;

    /// <summary>Validates the spec against its tensors and returns the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static Graph Build(DecoderSpec spec)
    {
        ValidateParameters(spec);
        return new LlamaGraphBuilder(spec).Emit();
    }

    private static void ValidateParameters(DecoderSpec s)
    {
        Require(s.EmbeddingDim > 0, "embedding_length", "> 0", s.EmbeddingDim);
        Require(s.Layers > 0, "block_count", "> 0", s.Layers);
        Require(s.Heads > 0, "attention.head_count", "> 0", s.Heads);
        Require(s.KvHeads > 0 && s.Heads % s.KvHeads == 0, "attention.head_count_kv", $"a divisor of head_count {s.Heads}", s.KvHeads);
        Require(s.HeadDim > 0 && s.HeadDim % 2 == 0, "head dimension", "a positive even number", s.HeadDim);
        Require(s.FeedForwardDim > 0, "feed_forward_length", "> 0", s.FeedForwardDim);
        Require(s.VocabSize > 0, "vocab_size", "> 0", s.VocabSize);
        Require(s.ContextLength > 0, "context_length", "> 0", s.ContextLength);
        Require(s.RmsEpsilon > 0 && float.IsFinite(s.RmsEpsilon), "attention.layer_norm_rms_epsilon", "a positive number", s.RmsEpsilon);
        Require(s.Rope.Dims > 0 && s.Rope.Dims <= s.HeadDim && s.Rope.Dims % 2 == 0, "rope.dimension_count",
            $"an even number ≤ head dim {s.HeadDim}", s.Rope.Dims);
        Require(s.Rope.FrequencyBase > 0 && float.IsFinite(s.Rope.FrequencyBase), "rope.freq_base", "a positive number", s.Rope.FrequencyBase);
    }

    private static void Require(bool ok, string field, string expected, object found)
    {
        if (!ok)
        {
            throw new CompileException($"model parameter '{field}' is {found}, expected {expected}");
        }
    }

    private Graph Emit()
    {
        var s = _spec;
        int qDim = s.Heads * s.HeadDim;
        var embed = Weight("token_embd.weight", s.VocabSize, s.EmbeddingDim, quantizedAllowed: true);
        var x = Emit(OpKind.Embed, "embed", s.EmbeddingDim, RowSpace.Tokens, embed, NodeAttributes.None);
        for (int layer = 0; layer < s.Layers; layer++)
        {
            x = EmitBlock(x, layer, qDim);
        }

        var last = Emit(OpKind.GatherOutputRows, "out.rows", s.EmbeddingDim, RowSpace.Outputs, null, NodeAttributes.None, x);
        var norm = Emit(OpKind.RmsNorm, "out.norm", s.EmbeddingDim, RowSpace.Outputs, Vector("output_norm.weight", s.EmbeddingDim),
            new NodeAttributes(Epsilon: s.RmsEpsilon), last);
        var output = s.Tensors.ContainsKey("output.weight")
            ? Weight("output.weight", s.VocabSize, s.EmbeddingDim, quantizedAllowed: true)
            : embed;
        var logits = Emit(OpKind.MatMul, "logits", s.VocabSize, RowSpace.Outputs, output, NodeAttributes.None, norm);
        return new Graph(s.Name, _nodes, logits);
    }

    private Value EmitBlock(Value x, int layer, int qDim)
    {
        var s = _spec;
        string p = $"blk.{layer}.";
        var eps = new NodeAttributes(Epsilon: s.RmsEpsilon);
        var h = Emit(OpKind.RmsNorm, $"blk{layer}.attn_in", s.EmbeddingDim, RowSpace.Tokens, Vector(p + "attn_norm.weight", s.EmbeddingDim), eps, x);
        var q = Projection(h, p + "attn_q", $"blk{layer}.q", qDim);
        var k = Projection(h, p + "attn_k", $"blk{layer}.k", s.KvDim);
        var v = Projection(h, p + "attn_v", $"blk{layer}.v", s.KvDim);
        q = Emit(OpKind.Rope, $"blk{layer}.q_rope", qDim, RowSpace.Tokens, null, RopeAttributes(s.Heads), q);
        k = Emit(OpKind.Rope, $"blk{layer}.k_rope", s.KvDim, RowSpace.Tokens, null, RopeAttributes(s.KvHeads), k);
        var attentionAttributes = new NodeAttributes(Layer: layer, Heads: s.Heads, KvHeads: s.KvHeads, HeadDim: s.HeadDim);
        var stored = Emit(OpKind.KvStore, $"blk{layer}.kv", 0, RowSpace.None, null, attentionAttributes, k, v);
        var attended = Emit(OpKind.Attention, $"blk{layer}.attn", qDim, RowSpace.Tokens, null, attentionAttributes, q, stored);
        var projected = Emit(OpKind.MatMul, $"blk{layer}.attn_out", s.EmbeddingDim, RowSpace.Tokens,
            Weight(p + "attn_output.weight", s.EmbeddingDim, qDim, quantizedAllowed: true), NodeAttributes.None, attended);
        x = Emit(OpKind.Add, $"blk{layer}.resid1", s.EmbeddingDim, RowSpace.Tokens, null, NodeAttributes.None, x, projected);

        var f = Emit(OpKind.RmsNorm, $"blk{layer}.ffn_in", s.EmbeddingDim, RowSpace.Tokens, Vector(p + "ffn_norm.weight", s.EmbeddingDim), eps, x);
        var gate = Emit(OpKind.MatMul, $"blk{layer}.gate", s.FeedForwardDim, RowSpace.Tokens,
            Weight(p + "ffn_gate.weight", s.FeedForwardDim, s.EmbeddingDim, quantizedAllowed: true), NodeAttributes.None, f);
        var up = Emit(OpKind.MatMul, $"blk{layer}.up", s.FeedForwardDim, RowSpace.Tokens,
            Weight(p + "ffn_up.weight", s.FeedForwardDim, s.EmbeddingDim, quantizedAllowed: true), NodeAttributes.None, f);
        var act = Emit(OpKind.SwiGlu, $"blk{layer}.swiglu", s.FeedForwardDim, RowSpace.Tokens, null, NodeAttributes.None, gate, up);
        var down = Emit(OpKind.MatMul, $"blk{layer}.down", s.EmbeddingDim, RowSpace.Tokens,
            Weight(p + "ffn_down.weight", s.EmbeddingDim, s.FeedForwardDim, quantizedAllowed: true), NodeAttributes.None, act);
        return Emit(OpKind.Add, $"blk{layer}.resid2", s.EmbeddingDim, RowSpace.Tokens, null, NodeAttributes.None, x, down);
    }

    private Value Projection(Value input, string prefix, string name, int width)
    {
        var y = Emit(OpKind.MatMul, name, width, RowSpace.Tokens,
            Weight(prefix + ".weight", width, _spec.EmbeddingDim, quantizedAllowed: true), NodeAttributes.None, input);
        if (_spec.Tensors.ContainsKey(prefix + ".bias"))
        {
            y = Emit(OpKind.AddBias, name + "_bias", width, RowSpace.Tokens, Vector(prefix + ".bias", width), NodeAttributes.None, y);
        }

        return y;
    }

    private NodeAttributes RopeAttributes(int heads) => new(
        Heads: heads, HeadDim: _spec.HeadDim, RopeDims: _spec.Rope.Dims, RopeBase: _spec.Rope.FrequencyBase, RopeMode: _spec.Rope.Mode);

    private Value Emit(OpKind op, string name, int width, RowSpace rows, WeightRef? weight, NodeAttributes attributes, params Value[] inputs)
    {
        var output = new Value(_nextValueId++, name, width, rows);
        _nodes.Add(new Node(op, inputs, output, weight, attributes));
        return output;
    }

    private WeightRef Weight(string name, int rows, int cols, bool quantizedAllowed)
    {
        var t = Find(name);
        if (t.Dimensions.Length != 2 || t.Dimensions[0] != cols || t.Dimensions[1] != rows)
        {
            throw new CompileException(
                $"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{cols}, {rows}] (ggml order: row length first)");
        }

        if (!GgmlTypeInfo.IsComputable(t.Type) || (!quantizedAllowed && t.Type != GgmlType.F32))
        {
            throw new CompileException($"tensor '{name}' has type {t.Type}, which Strata's kernels cannot run");
        }

        return new WeightRef(name, t.Type, rows, cols);
    }

    private WeightRef Vector(string name, int length)
    {
        var t = Find(name);
        if (t.Dimensions.Length != 1 || t.Dimensions[0] != length)
        {
            throw new CompileException($"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{length}]");
        }

        if (t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16))
        {
            throw new CompileException($"tensor '{name}' has type {t.Type}, expected F32, F16 or BF16 for a vector");
        }

        return new WeightRef(name, t.Type, 1, length);
    }

    private TensorDescriptor Find(string name) => _spec.Tensors.TryGetValue(name, out var t)
        ? t
        : throw new CompileException($"tensor '{name}' is missing from the model (architecture '{_spec.Architecture}')");
}
