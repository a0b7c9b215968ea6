// Writes random-weight Llama models of realistic shape as GGUF, quantized by our own quantizers (`strata synth`).
using Strata.Engine.Artifacts;
using Strata.Engine.Sampling;
using Strata.Kernels;

namespace Strata.Engine.Synthesis;

/// <summary>What to synthesise.</summary>
/// <param name="Shape">decoder dimensions</param>
/// <param name="Quant">file quantization recipe</param>
/// <param name="Seed">weights seed; the same seed gives the same bytes on any machine and thread count</param>
/// <param name="VocabularyFrom">GGUF whose tokenizer.* metadata is copied, or a Hugging Face tokenizer.json (byte-level BPE, with the
/// tokenizer_config.json beside it) converted as llama.cpp's converter does; its vocabulary size replaces the shape's</param>
public sealed record SynthOptions(ModelShape Shape, QuantRecipe Quant, ulong Seed, string? VocabularyFrom = null);

/// <summary>
/// Random Llama weights with the CI models' scales (embedding std 1, projections 1/√d, down 1/√ffn, output 3/√d, norms
/// 1 + 0.1·N(0,1)), so logits are peaked like a trained model's. Rows are generated in parallel from per-row seeds.
/// </summary>
public static class SyntheticModel
{
    /// <summary>Writes the model to <paramref name="path"/>; returns the tensor type histogram.</summary>
    public static IReadOnlyDictionary<string, int> Write(SynthOptions options, string path)
    {
        var shape = options.Shape;
        shape.Validate();
        var writer = new GgufWriter();
        int vocab = AddVocabulary(writer, options, shape.Vocab);
        shape = shape with { Vocab = vocab };
        AddHyperParameters(writer, shape, options.Quant);
        var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Matrix(string name, int layer, int rows, int cols, float std)
        {
            var type = options.Quant.TypeFor(name, layer, shape.Layers, cols, shape.TiedOutput);
            histogram[type.ToString()] = histogram.GetValueOrDefault(type.ToString()) + 1;
            ulong seed = TensorSeed(options.Seed, name);
            writer.AddTensor(name, [cols, rows], type, stream => WriteRows(stream, type, rows, cols, seed, 0f, std));
        }

        void Norm(string name, int length)
        {
            histogram["F32"] = histogram.GetValueOrDefault("F32") + 1;
            ulong seed = TensorSeed(options.Seed, name);
            writer.AddTensor(name, [length], GgmlType.F32, stream => WriteRows(stream, GgmlType.F32, 1, length, seed, 1f, 0.1f));
        }

        int headDim = shape.Dim / shape.Heads;
        int kvDim = shape.KvHeads * headDim;
        float dimScale = 1f / MathF.Sqrt(shape.Dim);
        Matrix("token_embd.weight", -1, vocab, shape.Dim, 1f);
        for (int l = 0; l < shape.Layers; l++)
        {
            string p = $"blk.{l}.";
            Norm(p + "attn_norm.weight", shape.Dim);
            Matrix(p + "attn_q.weight", l, shape.Dim, shape.Dim, dimScale);
            Matrix(p + "attn_k.weight", l, kvDim, shape.Dim, dimScale);
            Matrix(p + "attn_v.weight", l, kvDim, shape.Dim, dimScale);
            Matrix(p + "attn_output.weight", l, shape.Dim, shape.Dim, dimScale);
            Norm(p + "ffn_norm.weight", shape.Dim);
            Matrix(p + "ffn_gate.weight", l, shape.FeedForward, shape.Dim, dimScale);
            Matrix(p + "ffn_up.weight", l, shape.FeedForward, shape.Dim, dimScale);
            Matrix(p + "ffn_down.weight", l, shape.Dim, shape.FeedForward, 1f / MathF.Sqrt(shape.FeedForward));
        }

        Norm("output_norm.weight", shape.Dim);
        if (!shape.TiedOutput)
        {
            Matrix("output.weight", -1, vocab, shape.Dim, 3f * dimScale);
        }
        writer.Write(path);
        return histogram;
    }

    private static void AddHyperParameters(GgufWriter writer, ModelShape shape, QuantRecipe quant)
    {
        writer.Add("general.architecture", "llama")
            .Add("general.name", $"strata-synth-d{shape.Dim}-l{shape.Layers}-{quant.Name}")
            .Add("general.file_type", quant.FileType)
            .Add("general.quantization_version", 2u)
            .Add("llama.context_length", (uint)shape.Context)
            .Add("llama.embedding_length", (uint)shape.Dim)
            .Add("llama.block_count", (uint)shape.Layers)
            .Add("llama.feed_forward_length", (uint)shape.FeedForward)
            .Add("llama.rope.dimension_count", (uint)(shape.Dim / shape.Heads))
            .Add("llama.attention.head_count", (uint)shape.Heads)
            .Add("llama.attention.head_count_kv", (uint)shape.KvHeads)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.freq_base", 10000f);
    }

    private static int AddVocabulary(GgufWriter writer, SynthOptions options, int vocab)
    {
        if (options.VocabularyFrom is null)
        {
            SyntheticVocabulary.Add(writer, vocab);
            return vocab;
        }

        if (options.VocabularyFrom.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return HfTokenizerVocabulary.Add(writer, options.VocabularyFrom);
        }

        using var source = GgufFile.Open(options.VocabularyFrom);
        int count = -1;
        foreach (var (key, value) in source.Metadata)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal))
            {
                writer.Add(key, value);
                count = key == "tokenizer.ggml.tokens" ? (int)value.Count : count;
            }
        }

        return count > 0
            ? count
            : throw new ModelFormatException($"{Path.GetFileName(options.VocabularyFrom)}: no tokenizer.ggml.tokens to borrow a vocabulary from");
    }

    private static ulong TensorSeed(ulong seed, string name)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a over the name, mixed with the seed
        foreach (char c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash ^ (seed * 0x9E3779B97F4A7C15UL);
    }

    // Rows are filled with mean + std·N(0,1) from a per-row generator and quantized in parallel, then written in order.
    private static void WriteRows(Stream stream, GgmlType type, int rows, int cols, ulong seed, float mean, float std)
    {
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        const int RowsPerChunk = 64;
        var buffer = new byte[rowBytes * Math.Min(rows, RowsPerChunk * 16)];
        int rowsPerBuffer = (int)(buffer.Length / rowBytes);
        for (int start = 0; start < rows; start += rowsPerBuffer)
        {
            int count = Math.Min(rowsPerBuffer, rows - start);
            Parallel.For(0, (count + RowsPerChunk - 1) / RowsPerChunk, chunk =>
            {
                var values = new float[cols];
                int first = chunk * RowsPerChunk;
                for (int r = first; r < Math.Min(count, first + RowsPerChunk); r++)
                {
                    var random = new Xoshiro256Random(seed + (ulong)(start + r) * 0xD1B54A32D192ED03UL);
                    Gaussian.Fill(random, values, mean, std);
                    Quantizer.QuantizeRow(type, values, buffer.AsSpan((int)(r * rowBytes), (int)rowBytes));
                }
            });
            stream.Write(buffer, 0, (int)(count * rowBytes));
        }
    }
}
