// The pieces every decoder builder shares: checked weights, norms, projections, rotary, cached attention, gated FFNs, the head,
// emitted as the typed graph IR the ONNX importer also emits (DecoderOps; weights are external constants read as last inputs).
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Decoder;
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Builders;

/// <summary>
/// A decoder graph under construction: emits <see cref="OpGraph"/> nodes (<see cref="DecoderOps"/>) in execution order and checks every weight it reads against the spec's
/// tensors (missing, wrong shape or a type the kernels cannot run is a <see cref="CompileException"/> naming the tensor).
/// Family builders (<see cref="LlamaGraphBuilder"/>, <see cref="Qwen3GraphBuilder"/>, <see cref="GemmaGraphBuilder"/>,
/// <see cref="Phi3GraphBuilder"/>) compose these pieces; none of them knows another's architecture.
/// </summary>
public sealed class DecoderGraph
{
    private readonly List<OpNode> _nodes = [];
    private readonly Dictionary<string, (WeightRef Ref, TensorValue Value)> _weights = new(StringComparer.Ordinal);
    private readonly TensorValue _tokens = new(-1, DecoderGraphBridge.TokensInput, DType.I32, new TensorShape(Dim.Symbol(DecoderOps.TokenRows)));
    private int _nextValueId;

    /// <summary>Starts a graph for <paramref name="spec"/> after checking its parameters.</summary>
    /// <exception cref="CompileException">a parameter is out of range</exception>
    public DecoderGraph(DecoderSpec spec)
    {
        ValidateParameters(spec);
        Spec = spec;
    }

    /// <summary>The spec being built.</summary>
    public DecoderSpec Spec { get; }

    /// <summary>Width of the query projection.</summary>
    public int QueryDim => Spec.Heads * Spec.HeadDim;

    /// <summary>
    /// The finished graph, whose output is <paramref name="logits"/>: activations numbered in emission order, then the
    /// token input, then the weights in order of first use (the numbering <see cref="DecoderGraphBridge.FromDecoder"/> gives).
    /// </summary>
    public OpGraph Finish(TensorValue logits)
    {
        int next = _nextValueId;
        var numbered = new Dictionary<int, TensorValue> { [_tokens.Id] = _tokens with { Id = next++ } };
        foreach (var (_, value) in _weights.Values.OrderByDescending(w => w.Value.Id))
        {
            numbered[value.Id] = value with { Id = next++ };
        }

        var nodes = new List<OpNode>(_nodes.Count);
        foreach (var node in _nodes)
        {
            nodes.Add(node with { Inputs = [.. node.Inputs.Select(v => v is { Id: < 0 } ? numbered[v.Id] : v)] });
        }

        var constants = new Dictionary<int, TensorValue>();
        foreach (var (_, value) in _weights.Values)
        {
            constants[numbered[value.Id].Id] = numbered[value.Id];
        }

        return new OpGraph(Spec.Name, [numbered[_tokens.Id]], [logits], nodes, new Dictionary<int, TensorData>(), constants,
            DecoderGraphBridge.Opsets(), next);
    }

    /// <summary>Elements per row of an activation [rows, width].</summary>
    public static int Width(TensorValue x) => checked((int)x.Shape![1].Factor);

    /// <summary>Token embeddings, multiplied by <paramref name="scale"/> unless it is 1 (Gemma scales by √dim).</summary>
    public TensorValue Embed(float scale = 1f)
    {
        var x = Emit(OpKind.Embed, "embed", Spec.EmbeddingDim, TokenRows, EmbeddingTable, NodeAttributes.None);
        return scale == 1f ? x : Emit(OpKind.Scale, "embed_scaled", Spec.EmbeddingDim, TokenRows, null, new NodeAttributes(Scale: scale), x);
    }

    /// <summary>token_embd.weight, checked.</summary>
    public WeightRef EmbeddingTable => Weight("token_embd.weight", Spec.VocabSize, Spec.EmbeddingDim);

    /// <summary>RMSNorm of <paramref name="x"/> by the vector tensor <paramref name="tensor"/>.</summary>
    public TensorValue Norm(TensorValue x, string tensor, string name) =>
        Emit(OpKind.RmsNorm, name, Width(x), Rows(x), Vector(tensor, Width(x)), new NodeAttributes(Epsilon: Spec.RmsEpsilon), x);

    /// <summary>Per-head RMSNorm of <paramref name="x"/> ([heads · HeadDim]) by the HeadDim vector <paramref name="tensor"/>.</summary>
    public TensorValue HeadNorm(TensorValue x, int heads, string tensor, string name) =>
        Emit(OpKind.HeadRmsNorm, name, Width(x), Rows(x), Vector(tensor, Spec.HeadDim),
            new NodeAttributes(Epsilon: Spec.RmsEpsilon, Heads: heads, HeadDim: Spec.HeadDim), x);

    /// <summary>x · prefix.weightᵀ (+ prefix.bias when the model has it).</summary>
    public TensorValue Projection(TensorValue x, string prefix, string name, int width)
    {
        var y = MatMul(x, prefix + ".weight", name, width);
        return Spec.Tensors.ContainsKey(prefix + ".bias")
            ? Emit(OpKind.AddBias, name + "_bias", width, Rows(x), Vector(prefix + ".bias", width), NodeAttributes.None, y)
            : y;
    }

    /// <summary>x · tensorᵀ into <paramref name="width"/> columns.</summary>
    public TensorValue MatMul(TensorValue x, string tensor, string name, int width) =>
        Emit(OpKind.MatMul, name, width, Rows(x), Weight(tensor, width, Width(x)), NodeAttributes.None, x);

    /// <summary>Columns [offset, offset + width) of <paramref name="x"/>.</summary>
    public TensorValue Slice(TensorValue x, int offset, int width, string name) =>
        Emit(OpKind.Slice, name, width, Rows(x), null, new NodeAttributes(Offset: offset), x);

    /// <summary>The three attention projections of layer <paramref name="layer"/>: separate attn_q/k/v, or a fused attn_qkv.</summary>
    public (TensorValue Q, TensorValue K, TensorValue V) QueryKeyValue(TensorValue h, int layer)
    {
        string p = $"blk.{layer}.";
        if (Spec.Tensors.ContainsKey(p + "attn_qkv.weight"))
        {
            var qkv = Projection(h, p + "attn_qkv", $"blk{layer}.qkv", QueryDim + (2 * Spec.KvDim));
            return (Slice(qkv, 0, QueryDim, $"blk{layer}.q"), Slice(qkv, QueryDim, Spec.KvDim, $"blk{layer}.k"),
                Slice(qkv, QueryDim + Spec.KvDim, Spec.KvDim, $"blk{layer}.v"));
        }

        return (Projection(h, p + "attn_q", $"blk{layer}.q", QueryDim), Projection(h, p + "attn_k", $"blk{layer}.k", Spec.KvDim),
            Projection(h, p + "attn_v", $"blk{layer}.v", Spec.KvDim));
    }

    /// <summary>Rotary embedding of <paramref name="x"/> ([heads · HeadDim]) with <paramref name="rope"/> (scaling and factors included).</summary>
    /// <param name="x">queries or keys</param>
    /// <param name="heads">heads in x</param>
    /// <param name="rope">the layer's rotary parameters</param>
    /// <param name="factors">a frequency-factor vector tensor (Dims / 2), or null</param>
    /// <param name="name">value name</param>
    public TensorValue Rope(TensorValue x, int heads, RopeSpec rope, string? factors, string name)
    {
        var frequencies = new RopeFrequencies(rope.FrequencyBase, rope.Dims, rope.FrequencyScale, rope.ExtFactor, rope.Magnitude);
        if (rope.ExtFactor != 0)
        {
            int original = rope.OriginalContext > 0 ? rope.OriginalContext : Spec.ContextLength;
            var (low, high) = RopeFrequencies.CorrectionDims(rope.Dims, original, rope.FrequencyBase, rope.YarnBeta.Fast, rope.YarnBeta.Slow);
            frequencies = frequencies with { CorrectionLow = low, CorrectionHigh = high };
        }

        var attributes = new NodeAttributes(Heads: heads, HeadDim: Spec.HeadDim, RopeDims: rope.Dims, RopeBase: rope.FrequencyBase, RopeMode: rope.Mode,
            RopeScaling: frequencies.IsPlain ? null : frequencies);
        return Emit(OpKind.Rope, name, Width(x), Rows(x), factors is null ? null : Vector(factors, rope.Dims / 2), attributes, x);
    }

    /// <summary>
    /// The pre-norm attention half of a Llama-style block: x + attn_output(attention(RoPE(q), RoPE(k), v)) over
    /// attn_norm(x), with per-head Q/K RMSNorms before RoPE where <paramref name="headNorms"/> (Qwen 3).
    /// </summary>
    public TensorValue AttentionBlock(TensorValue x, int layer, string? ropeFactors, bool headNorms)
    {
        string p = $"blk.{layer}.";
        var h = Norm(x, p + "attn_norm.weight", $"blk{layer}.attn_in");
        var (q, k, v) = QueryKeyValue(h, layer);
        if (headNorms)
        {
            q = HeadNorm(q, Spec.Heads, p + "attn_q_norm.weight", $"blk{layer}.q_norm");
            k = HeadNorm(k, Spec.KvHeads, p + "attn_k_norm.weight", $"blk{layer}.k_norm");
        }

        q = Rope(q, Spec.Heads, Spec.Rope, ropeFactors, $"blk{layer}.q_rope");
        k = Rope(k, Spec.KvHeads, Spec.Rope, ropeFactors, $"blk{layer}.k_rope");
        var attended = Attention(q, k, v, layer, Spec.EffectiveAttentionScale);
        return Add(x, Projection(attended, p + "attn_output", $"blk{layer}.attn_out", Spec.EmbeddingDim), $"blk{layer}.resid1");
    }

    /// <summary>The pre-norm FFN half of a Llama-style block: x + ffn(ffn_norm(x)), the FFN dense SwiGLU or routed experts.</summary>
    public TensorValue FeedForwardBlock(TensorValue x, int layer)
    {
        var f = Norm(x, $"blk.{layer}.ffn_norm.weight", $"blk{layer}.ffn_in");
        return Add(x, Spec.Experts is null ? GatedFeedForward(f, layer, gelu: false) : ExpertFeedForward(f, layer), $"blk{layer}.resid2");
    }

    /// <summary>
    /// Stores k and v in layer <paramref name="layer"/>'s KV cache and attends with q over it; <paramref name="window"/> &gt; 0
    /// limits each query to its last window positions, <paramref name="softCap"/> &gt; 0 soft-caps the scores.
    /// </summary>
    public TensorValue Attention(TensorValue q, TensorValue k, TensorValue v, int layer, float scale, float softCap = 0, int window = 0)
    {
        var shape = new NodeAttributes(Layer: layer, Heads: Spec.Heads, KvHeads: Spec.KvHeads, HeadDim: Spec.HeadDim);
        var stored = Emit(OpKind.KvStore, $"blk{layer}.kv", 0, Dim.Unknown, null, shape, k, v);
        return Emit(OpKind.Attention, $"blk{layer}.attn", QueryDim, Rows(q), null, shape with { Scale = scale, SoftCap = softCap, Window = window }, q, stored);
    }

    /// <summary>Gated FFN: act(gate) · up, then down; <paramref name="gelu"/> picks GELU-tanh (Gemma) over SiLU.</summary>
    /// <remarks>A fused ffn_up of width 2·ffn (Phi-3) holds the gate in its first half and up in its second.</remarks>
    public TensorValue GatedFeedForward(TensorValue x, int layer, bool gelu)
    {
        string p = $"blk.{layer}.";
        int ffn = Spec.FeedForwardDim;
        TensorValue gate, up;
        if (Spec.Tensors.ContainsKey(p + "ffn_gate.weight"))
        {
            gate = MatMul(x, p + "ffn_gate.weight", $"blk{layer}.gate", ffn);
            up = MatMul(x, p + "ffn_up.weight", $"blk{layer}.up", ffn);
        }
        else
        {
            var fused = MatMul(x, p + "ffn_up.weight", $"blk{layer}.gate_up", 2 * ffn);
            gate = Slice(fused, 0, ffn, $"blk{layer}.gate");
            up = Slice(fused, ffn, ffn, $"blk{layer}.up");
        }

        var act = Emit(gelu ? OpKind.GeluGlu : OpKind.SwiGlu, $"blk{layer}.{(gelu ? "geglu" : "swiglu")}", ffn, Rows(x), null, NodeAttributes.None, gate, up);
        return MatMul(act, p + "ffn_down.weight", $"blk{layer}.down", Spec.EmbeddingDim);
    }

    /// <summary>
    /// Mixture-of-experts FFN (Qwen 3 MoE): router logits (ffn_gate_inp), softmax top-k routing, SwiGLU experts
    /// (ffn_gate_exps, ffn_up_exps, ffn_down_exps, one matrix per expert) run batched by expert, and the routed weighted sum.
    /// </summary>
    public TensorValue ExpertFeedForward(TensorValue x, int layer)
    {
        var e = Spec.Experts ?? throw new CompileException($"architecture '{Spec.Architecture}' has no expert parameters");
        string p = $"blk.{layer}.";
        int d = Spec.EmbeddingDim;
        var attributes = new NodeAttributes(Experts: e.Count, ExpertsUsed: e.Used, NormalizeExperts: e.NormalizeWeights);
        var logits = MatMul(x, p + "ffn_gate_inp.weight", $"blk{layer}.router", e.Count);
        var route = Emit(OpKind.MoeRoute, $"blk{layer}.route", 2 * e.Used, Rows(x), null, attributes, logits);
        var gate = Emit(OpKind.ExpertMatMul, $"blk{layer}.gate_exps", e.Used * e.FeedForwardDim, Rows(x),
            Experts(p + "ffn_gate_exps.weight", e.FeedForwardDim, d, e.Count), attributes, x, route);
        var up = Emit(OpKind.ExpertMatMul, $"blk{layer}.up_exps", e.Used * e.FeedForwardDim, Rows(x),
            Experts(p + "ffn_up_exps.weight", e.FeedForwardDim, d, e.Count), attributes, x, route);
        var act = Emit(OpKind.SwiGlu, $"blk{layer}.swiglu_exps", e.Used * e.FeedForwardDim, Rows(x), null, NodeAttributes.None, gate, up);
        var down = Emit(OpKind.ExpertMatMul, $"blk{layer}.down_exps", e.Used * d, Rows(x),
            Experts(p + "ffn_down_exps.weight", d, e.FeedForwardDim, e.Count), attributes, act, route);
        return Emit(OpKind.MoeCombine, $"blk{layer}.moe", d, Rows(x), null, attributes, down, route);
    }

    /// <summary>a + b.</summary>
    public TensorValue Add(TensorValue a, TensorValue b, string name) => Emit(OpKind.Add, name, Width(a), Rows(a), null, NodeAttributes.None, a, b);

    /// <summary>The head: the output rows, the final norm, the logits (output.weight or the tied embedding) and an optional soft cap.</summary>
    public TensorValue Logits(TensorValue x, float softCap = 0)
    {
        var last = Emit(OpKind.GatherOutputRows, "out.rows", Spec.EmbeddingDim, OutputRows, null, NodeAttributes.None, x);
        var norm = Norm(last, "output_norm.weight", "out.norm");
        var output = Spec.Tensors.ContainsKey("output.weight") ? Weight("output.weight", Spec.VocabSize, Spec.EmbeddingDim) : EmbeddingTable;
        var logits = Emit(OpKind.MatMul, "logits", Spec.VocabSize, OutputRows, output, NodeAttributes.None, norm);
        return softCap > 0
            ? Emit(OpKind.SoftCap, "logits_capped", Spec.VocabSize, OutputRows, null, new NodeAttributes(Scale: softCap), logits)
            : logits;
    }

    /// <summary>True when the model has the named tensor.</summary>
    public bool Has(string tensor) => Spec.Tensors.ContainsKey(tensor);

    private static Dim TokenRows => Dim.Symbol(DecoderOps.TokenRows);

    private static Dim OutputRows => Dim.Symbol(DecoderOps.OutputRows);

    private static Dim Rows(TensorValue x) => x.Shape![0];

    // rows = Dim.Unknown: a side effect's token (f32 [], no storage).
    private TensorValue Emit(OpKind op, string name, int width, Dim rows, WeightRef? weight, NodeAttributes attributes, params TensorValue[] inputs)
    {
        var shape = rows.IsUnknown ? TensorShape.Scalar : new TensorShape(rows, Dim.Of(width));
        var output = new TensorValue(_nextValueId++, name, DType.F32, shape);
        var reads = new List<TensorValue?>(inputs.Length + 2);
        if (op == OpKind.Embed)
        {
            reads.Add(_tokens);
        }

        reads.AddRange(inputs);
        if (weight is not null)
        {
            reads.Add(WeightValue(weight));
        }

        var set = DecoderAttributes.ToSet(attributes);
        set = op == OpKind.Slice ? set.With("width", AttributeValue.Of((long)width)) : set;
        var (domain, opName) = DecoderOpTable.OperatorOf(op);
        _nodes.Add(new OpNode(name, opName, domain, reads, [output], set));
        return output;
    }

    // One external constant per weight name, numbered -2, -3, … until Finish (a name read with two shapes is an error).
    private TensorValue WeightValue(WeightRef w)
    {
        if (_weights.TryGetValue(w.Name, out var known))
        {
            return known.Ref == w ? known.Value : throw new CompileException($"tensor '{w.Name}' is read as {w} and as {known.Ref}");
        }

        var value = DecoderGraphBridge.WeightConstant(w, -2 - _weights.Count);
        _weights[w.Name] = (w, value);
        return value;
    }

    private WeightRef Weight(string name, int rows, int cols)
    {
        var t = Find(name);
        if (t.Dimensions.Length != 2 || t.Dimensions[0] != cols || t.Dimensions[1] != rows)
        {
            throw new CompileException(
                $"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{cols}, {rows}] (ggml order: row length first)");
        }

        if (!GgmlTypeInfo.IsComputable(t.Type))
        {
            throw new CompileException($"tensor '{name}' has type {t.Type}, which Strata's kernels cannot run");
        }

        return new WeightRef(name, t.Type, rows, cols);
    }

    private WeightRef Experts(string name, int rows, int cols, int count)
    {
        var t = Find(name);
        if (t.Dimensions.Length != 3 || t.Dimensions[0] != cols || t.Dimensions[1] != rows || t.Dimensions[2] != count)
        {
            throw new CompileException(
                $"tensor '{name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{cols}, {rows}, {count}] (ggml order: row length first, experts last)");
        }

        if (!GgmlTypeInfo.IsComputable(t.Type))
        {
            throw new CompileException($"tensor '{name}' has type {t.Type}, which Strata's kernels cannot run");
        }

        return new WeightRef(name, t.Type, rows, cols) { Slices = count };
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

    private TensorDescriptor Find(string name) => Spec.Tensors.TryGetValue(name, out var t)
        ? t
        : throw new CompileException($"tensor '{name}' is missing from the model (architecture '{Spec.Architecture}')");

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
        Require(s.Rope.FrequencyScale > 0 && float.IsFinite(s.Rope.FrequencyScale), "rope.scaling.factor", "a positive number", 1f / s.Rope.FrequencyScale);
        Require(s.AttentionSoftCap >= 0 && float.IsFinite(s.AttentionSoftCap), "attn_logit_softcapping", "≥ 0", s.AttentionSoftCap);
        Require(s.FinalSoftCap >= 0 && float.IsFinite(s.FinalSoftCap), "final_logit_softcapping", "≥ 0", s.FinalSoftCap);
        if (s.SlidingWindow is { } w)
        {
            Require(w.Window > 0, "attention.sliding_window", "> 0", w.Window);
            Require(w.Period > 0, "attention.sliding_window_pattern", "> 0", w.Period);
        }

        if (s.Experts is { } e)
        {
            Require(e.Count > 1, "expert_count", "> 1", e.Count);
            Require(e.Used > 0 && e.Used <= e.Count, "expert_used_count", $"1 to expert_count {e.Count}", e.Used);
            Require(e.FeedForwardDim > 0, "expert_feed_forward_length", "> 0", e.FeedForwardDim);
        }
    }

    private static void Require(bool ok, string field, string expected, object found)
    {
        if (!ok)
        {
            throw new CompileException($"model parameter '{field}' is {found}, expected {expected}");
        }
    }
}
