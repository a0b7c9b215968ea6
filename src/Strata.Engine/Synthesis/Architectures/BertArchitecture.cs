// `strata synth --arch bert`: a BERT encoder for embeddings (MiniLM, bge), as llama.cpp's bert loader reads it.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// bert: learned position and token-type embeddings added to the token embedding, LayerNorm (with bias) after the
/// embeddings and after each attention and FFN residual (post-norm), biased q/k/v/output and GELU FFN (up, down) with
/// biases, bidirectional attention, mean pooling. Keys as llama.cpp reads them (src/models/bert.cpp at 3f545becc):
/// attention.layer_norm_epsilon, attention.causal false, pooling_type 1 (mean); the vocabulary needs
/// tokenizer.ggml.token_type_count, so <c>--vocab-from vocab.txt</c> (a WordPiece vocabulary) is required. Position and
/// token-type embeddings are F32 (llama.cpp adds a token-type row as it is). Defaults as MiniLM/BERT: eps 1e-12.
/// </summary>
internal sealed class BertArchitecture : SynthArchitecture
{
    public override string Name => "bert";

    public override ModelShape WithDefaults(ModelShape shape) => shape with { NormEpsilon = 1e-12f };

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (shape.KvHeads != shape.Heads)
        {
            throw Invalid($"kv-heads {shape.KvHeads} must equal heads {shape.Heads} (BERT's attention has no grouped keys)");
        }

        if (shape.Heads * shape.HeadDim != shape.Dim)
        {
            throw Invalid($"heads × head-dim must be d ({shape.Dim}); found {shape.Heads} × {shape.HeadDim}");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape) =>
        writer.Add(Key("context_length"), (uint)shape.Context)
            .Add(Key("embedding_length"), (uint)shape.Dim)
            .Add(Key("block_count"), (uint)shape.Layers)
            .Add(Key("feed_forward_length"), (uint)shape.FeedForward)
            .Add(Key("attention.head_count"), (uint)shape.Heads)
            .Add(Key("attention.layer_norm_epsilon"), shape.NormEpsilon)
            .Add(Key("attention.causal"), false)
            .Add(Key("pooling_type"), 1u);

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        int d = shape.Dim;
        tensors.Matrix("token_embd.weight", -1, shape.Vocab, d, 1f);
        tensors.MatrixF32("token_types.weight", 2, d, 0.1f);
        tensors.MatrixF32("position_embd.weight", shape.Context, d, 0.1f);
        tensors.Norm("token_embd_norm.weight", d);
        tensors.Bias("token_embd_norm.bias", d, 0.1f);
        float inputScale = 1f / MathF.Sqrt(d);
        for (int l = 0; l < shape.Layers; l++)
        {
            string p = $"blk.{l}.";
            foreach (string projection in (ReadOnlySpan<string>)["attn_q", "attn_k", "attn_v", "attn_output"])
            {
                tensors.Matrix(p + projection + ".weight", l, d, d, inputScale);
                tensors.Bias(p + projection + ".bias", d, 0.1f);
            }

            tensors.Norm(p + "attn_output_norm.weight", d);
            tensors.Bias(p + "attn_output_norm.bias", d, 0.1f);
            tensors.Matrix(p + "ffn_up.weight", l, shape.FeedForward, d, inputScale);
            tensors.Bias(p + "ffn_up.bias", shape.FeedForward, 0.1f);
            tensors.Matrix(p + "ffn_down.weight", l, d, shape.FeedForward, 1f / MathF.Sqrt(shape.FeedForward));
            tensors.Bias(p + "ffn_down.bias", d, 0.1f);
            tensors.Norm(p + "layer_output_norm.weight", d);
            tensors.Bias(p + "layer_output_norm.bias", d, 0.1f);
        }
    }
}
