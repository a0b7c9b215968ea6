// Builds a GGUF BERT-family encoder (llama.cpp's `bert` architecture) as the typed graph the ONNX importer produces after
// fusion, so both go through the same compiler back end and runner.
using Strata.Compiler.Graphs;
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Embeddings;

/// <summary>
/// The graph of a `bert` GGUF: token + token-type + position embeddings, LayerNorm, then per layer biased q/k/v, attention
/// over the padded batch with a key bias from the attention mask, output projection, residual + LayerNorm, GELU FFN, residual
/// + LayerNorm (post-norm, as llama.cpp's src/models/bert.cpp). Inputs input_ids, attention_mask, token_type_ids
/// (int64 [batch, sequence]); output last_hidden_state [batch, sequence, d]. Weights stay in the mapping when they are F32;
/// other types are dequantized once into pinned f32 copies.
/// </summary>
public static class GgufEncoderGraph
{
    /// <summary>The key bias of a padded key: large enough that its softmax weight is exactly 0 in f32.</summary>
    public const float PaddingBias = -1e9f;

    /// <summary>Builds the graph of <paramref name="file"/>.</summary>
    /// <exception cref="ModelFormatException">the file is not a bert encoder or a tensor is missing or misshapen</exception>
    public static OpGraph Build(GgufFile file)
    {
        string arch = file.GetString("general.architecture") ?? string.Empty;
        if (arch != "bert")
        {
            throw Invalid(file, "general.architecture", $"is '{arch}'; the encoder graph reads 'bert' models");
        }

        int d = (int)file.GetInteger("bert.embedding_length");
        int layers = (int)file.GetInteger("bert.block_count");
        int heads = (int)file.GetInteger("bert.attention.head_count");
        float eps = (float)file.GetDouble("bert.attention.layer_norm_epsilon", 1e-12);
        if (d <= 0 || layers <= 0 || heads <= 0 || d % heads != 0)
        {
            throw Invalid(file, "bert.attention.head_count", $"{heads} heads do not divide the embedding width {d}");
        }

        var b = new Builder(file);
        var ids = b.Input("input_ids");
        var mask = b.Input("attention_mask");
        var types = b.Input("token_type_ids");
        var tokens = b.Node("Gather", [b.Weight("token_embd.weight", -1, d), ids], DType.F32, Shape3(d));
        var typeRows = b.Node("Gather", [b.Weight("token_types.weight", -1, d), types], DType.F32, Shape3(d));
        var positions = b.Node("Slice", [b.Weight("position_embd.weight", -1, d), b.Int64s("zero", [0]), b.Int64s("end", [long.MaxValue]),
            b.Int64s("axis0", [0])], DType.F32, new TensorShape(Dim.Symbol("sequence"), Dim.Of(d)));
        var x = b.Node("Add", [b.Node("Add", [tokens, typeRows], DType.F32, Shape3(d)), positions], DType.F32, Shape3(d));
        x = b.LayerNorm(x, "token_embd_norm", d, eps);

        // key bias = (mask − 1) · 1e9: 0 for a token, −1e9 for padding
        var maskF = b.Node("Cast", [mask], DType.F32, Shape2(), ("to", AttributeValue.Of((long)DType.F32)));
        var keyBias = b.Node("Mul", [b.Node("Sub", [maskF, b.Float("one", 1f)], DType.F32, Shape2()), b.Float("padding", -PaddingBias)], DType.F32, Shape2());
        float scale = 1f / MathF.Sqrt(d / heads);
        for (int l = 0; l < layers; l++)
        {
            string p = $"blk.{l}.";
            var q = b.Dense(x, p + "attn_q", d, d, string.Empty);
            var k = b.Dense(x, p + "attn_k", d, d, string.Empty);
            var v = b.Dense(x, p + "attn_v", d, d, string.Empty);
            var attention = b.Strata(StrataOps.Attention, [q, k, v, keyBias], Shape3(d),
                ("heads", AttributeValue.Of((long)heads)), ("scale", AttributeValue.Of(scale)));
            var o = b.Dense(attention, p + "attn_output", d, d, string.Empty);
            x = b.LayerNorm(b.Node("Add", [o, x], DType.F32, Shape3(d)), p + "attn_output_norm", d, eps);
            int ffn = b.Rows(p + "ffn_up.weight");
            var up = b.Dense(x, p + "ffn_up", ffn, d, "gelu");
            var down = b.Dense(up, p + "ffn_down", d, ffn, string.Empty);
            x = b.LayerNorm(b.Node("Add", [down, x], DType.F32, Shape3(d)), p + "layer_output_norm", d, eps);
        }

        return b.Finish(System.IO.Path.GetFileNameWithoutExtension(file.Path), x with { Name = "last_hidden_state" });
    }

    private static ModelFormatException Invalid(GgufFile file, string field, string problem) => new($"{file.Path}: {field} {problem}");

    private static TensorShape Shape2() => new(Dim.Symbol("batch"), Dim.Symbol("sequence"));

    private static TensorShape Shape3(int d) => new(Dim.Symbol("batch"), Dim.Symbol("sequence"), Dim.Of(d));

    private sealed class Builder(GgufFile file)
    {
        private readonly List<TensorValue> _inputs = [];
        private readonly List<OpNode> _nodes = [];
        private readonly Dictionary<int, TensorData> _constants = [];
        private readonly Dictionary<int, TensorValue> _constantValues = [];
        private int _next;

        public TensorValue Input(string name)
        {
            var v = new TensorValue(_next++, name, DType.I64, Shape2());
            _inputs.Add(v);
            return v;
        }

        public int Rows(string name) => file.TryGetTensor(name, out var t) && t.Dimensions.Length == 2 ? (int)t.Dimensions[1]
            : throw Invalid(file, name, "is missing or not a matrix");

        // A [rows, cols] weight (rows −1: any); F32 stays mapped, other types become a pinned f32 copy.
        public TensorValue Weight(string name, int rows, int cols)
        {
            if (!file.TryGetTensor(name, out var t))
            {
                throw Invalid(file, name, "is missing");
            }

            long tensorCols = t.Dimensions[0], tensorRows = t.Dimensions.Length > 1 ? t.Dimensions[1] : 1;
            if (tensorCols != cols || (rows >= 0 && tensorRows != rows) || t.Dimensions.Length > 2)
            {
                throw Invalid(file, name, $"is [{string.Join(", ", t.Dimensions)}]; expected {cols} columns{(rows >= 0 ? $" × {rows} rows" : string.Empty)}");
            }

            long[] dims = t.Dimensions.Length == 1 ? [tensorCols] : [tensorRows, tensorCols];
            TensorData data;
            if (t.Type == GgmlType.F32)
            {
                data = TensorData.Mapped(DType.F32, dims, file.TensorAddress(t), t.SizeBytes, file);
            }
            else
            {
                var floats = new float[tensorRows * tensorCols];
                int rowBytes = checked((int)(t.SizeBytes / tensorRows));
                var bytes = file.TensorBytes(t);
                for (long r = 0; r < tensorRows; r++)
                {
                    DequantReference.DequantizeRow(t.Type, bytes.Slice((int)(r * rowBytes), rowBytes), floats.AsSpan((int)(r * tensorCols), (int)tensorCols));
                }

                data = TensorData.FromFloats(dims, floats);
            }

            return Constant(name, data);
        }

        public TensorValue Int64s(string name, long[] values) => Constant(name, TensorData.FromInt64s([values.Length], values));

        public TensorValue Float(string name, float value) => Constant(name, TensorData.FromFloats([], [value]));

        public TensorValue Node(string op, TensorValue[] inputs, DType type, TensorShape shape, params (string, AttributeValue)[] attributes)
        {
            var output = new TensorValue(_next++, $"{op.ToLowerInvariant()}{_nodes.Count}", type, shape);
            _nodes.Add(new OpNode($"n{_nodes.Count}", op, string.Empty, inputs, [output], Attributes(attributes)));
            return output;
        }

        public TensorValue Strata(string op, TensorValue?[] inputs, TensorShape shape, params (string, AttributeValue)[] attributes)
        {
            var output = new TensorValue(_next++, $"{op.ToLowerInvariant()}{_nodes.Count}", DType.F32, shape);
            _nodes.Add(new OpNode($"n{_nodes.Count}", op, StrataOps.Domain, inputs, [output], Attributes(attributes)));
            return output;
        }

        public TensorValue Dense(TensorValue x, string name, int rows, int cols, string activation) =>
            Strata(StrataOps.Dense, [x, Weight(name + ".weight", rows, cols), Weight(name + ".bias", -1, rows)], Shape3(rows),
                ("activation", AttributeValue.Of(activation)));

        public TensorValue LayerNorm(TensorValue x, string name, int d, float eps) =>
            Strata(StrataOps.LayerNorm, [x, Weight(name + ".weight", -1, d), Weight(name + ".bias", -1, d)], Shape3(d), ("epsilon", AttributeValue.Of(eps)));

        public OpGraph Finish(string name, TensorValue output)
        {
            // The last node's output takes the graph output's name.
            var last = _nodes[^1];
            _nodes[^1] = last with { Outputs = [output] };
            return new OpGraph(name, _inputs, [output], _nodes, _constants, _constantValues, new Dictionary<string, long> { [string.Empty] = 17 }, _next);
        }

        private TensorValue Constant(string name, TensorData data)
        {
            var v = new TensorValue(_next++, name, data.Type, data.Shape);
            _constants[v.Id] = data;
            _constantValues[v.Id] = v;
            return v;
        }

        private static AttributeSet Attributes((string Name, AttributeValue Value)[] attributes)
        {
            var list = new List<KeyValuePair<string, AttributeValue>>();
            foreach (var (n, v) in attributes)
            {
                list.Add(new(n, v));
            }

            return AttributeSet.Of(list);
        }
    }
}
