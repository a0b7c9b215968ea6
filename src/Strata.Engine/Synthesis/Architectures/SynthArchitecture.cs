// One architecture's part of `strata synth`: the shape keys it takes, its defaults and checks, its GGUF keys and its tensors.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// Writes one llama.cpp architecture. Subclasses state which shape keys they take and write exactly the metadata keys and
/// tensors llama.cpp's loader for that architecture reads and creates (src/models/&lt;arch&gt;.cpp at 3f545becc); the helpers
/// here are the parts most decoders share. Weights use the CI models' scales: projections N(0, 1/cols), so activations keep
/// unit scale; outputs 3/√d, so logits are peaked like a trained model's.
/// </summary>
internal abstract class SynthArchitecture
{
    /// <summary>GGUF <c>general.architecture</c> and the prefix of its keys.</summary>
    public abstract string Name { get; }

    /// <summary>Shape keys taken beyond the common d, layers, heads, kv-heads, ffn, vocab, ctx, tied and rope-base.</summary>
    public virtual IReadOnlyList<string> ShapeKeys => [];

    /// <summary>The <c>rope-scaling=</c> schemes this architecture takes.</summary>
    public virtual IReadOnlyList<RopeScalingKind> RopeScalings => [];

    /// <summary>The architecture's defaults (as its Hugging Face configs have them), applied to a key-form shape before its keys.</summary>
    public virtual ModelShape WithDefaults(ModelShape shape) => shape;

    /// <summary>Checks the shape; the message names the architecture and the rule broken.</summary>
    /// <exception cref="ArgumentException">the shape cannot be written as this architecture</exception>
    public virtual void Validate(ModelShape shape) => shape.Validate();

    /// <summary>Adds the <c>&lt;arch&gt;.*</c> keys.</summary>
    public abstract void AddHyperParameters(GgufWriter writer, ModelShape shape);

    /// <summary>Adds every tensor.</summary>
    public abstract void AddTensors(SyntheticTensors tensors, ModelShape shape);

    /// <summary>The full key for <paramref name="suffix"/>: "&lt;arch&gt;.suffix".</summary>
    protected string Key(string suffix) => Name + "." + suffix;

    /// <summary>
    /// The keys every decoder has, in the order the llama writer has always used; attention.key_length/value_length when the
    /// head width is not d/heads (or always, with <paramref name="alwaysHeadDim"/>, as the Gemma converters write them); and the
    /// linear or YaRN scaling keys.
    /// </summary>
    protected void AddDecoderKeys(GgufWriter writer, ModelShape shape, bool alwaysHeadDim = false)
    {
        writer.Add(Key("context_length"), (uint)shape.Context)
            .Add(Key("embedding_length"), (uint)shape.Dim)
            .Add(Key("block_count"), (uint)shape.Layers)
            .Add(Key("feed_forward_length"), (uint)shape.FeedForward)
            .Add(Key("rope.dimension_count"), (uint)shape.HeadDim)
            .Add(Key("attention.head_count"), (uint)shape.Heads)
            .Add(Key("attention.head_count_kv"), (uint)shape.KvHeads);
        if (alwaysHeadDim || shape.Heads * shape.HeadDim != shape.Dim)
        {
            writer.Add(Key("attention.key_length"), (uint)shape.HeadDim)
                .Add(Key("attention.value_length"), (uint)shape.HeadDim);
        }

        writer.Add(Key("attention.layer_norm_rms_epsilon"), shape.NormEpsilon)
            .Add(Key("rope.freq_base"), shape.RopeBase);
        var scaling = shape.RopeScaling;
        if (scaling.Kind is RopeScalingKind.Linear or RopeScalingKind.Yarn)
        {
            writer.Add(Key("rope.scaling.type"), scaling.Name)
                .Add(Key("rope.scaling.factor"), scaling.Factor);
        }

        if (scaling.Kind == RopeScalingKind.Yarn)
        {
            writer.Add(Key("rope.scaling.original_context_length"), (uint)scaling.OriginalContext);
        }
    }

    /// <summary>The keys of a sliding window: its width, and its period where it differs from llama.cpp's default for the architecture.</summary>
    protected void AddSlidingWindowKeys(GgufWriter writer, ModelShape shape, int defaultPattern)
    {
        writer.Add(Key("attention.sliding_window"), (uint)shape.SlidingWindow);
        if (shape.SlidingWindowPattern != defaultPattern)
        {
            writer.Add(Key("attention.sliding_window_pattern"), (uint)shape.SlidingWindowPattern);
        }
    }

    /// <summary>
    /// The embedding's spread: N(0, 1), or 3/√d when it is also the output, so that tied logits are as peaked as untied ones
    /// (the llama writer keeps N(0, 1) either way, so its files stay as they were).
    /// </summary>
    protected static float EmbeddingStd(ModelShape shape) => shape.TiedOutput ? 3f * (1f / MathF.Sqrt(shape.Dim)) : 1f;

    /// <summary>token_embd.weight, [d, vocab].</summary>
    protected static void AddEmbedding(SyntheticTensors tensors, ModelShape shape, float std) =>
        tensors.Matrix("token_embd.weight", -1, shape.Vocab, shape.Dim, std);

    /// <summary>attn_q/k/v (with biases, as Qwen 2) and attn_output of one layer; query width heads·head-dim.</summary>
    protected static void AddAttention(SyntheticTensors tensors, ModelShape shape, int layer, bool biases = false)
    {
        string p = $"blk.{layer}.";
        int queryWidth = shape.Heads * shape.HeadDim;
        int kvWidth = shape.KvHeads * shape.HeadDim;
        float inputScale = 1f / MathF.Sqrt(shape.Dim);
        tensors.Matrix(p + "attn_q.weight", layer, queryWidth, shape.Dim, inputScale);
        tensors.Matrix(p + "attn_k.weight", layer, kvWidth, shape.Dim, inputScale);
        tensors.Matrix(p + "attn_v.weight", layer, kvWidth, shape.Dim, inputScale);
        if (biases)
        {
            tensors.Bias(p + "attn_q.bias", queryWidth, 0.1f);
            tensors.Bias(p + "attn_k.bias", kvWidth, 0.1f);
            tensors.Bias(p + "attn_v.bias", kvWidth, 0.1f);
        }

        tensors.Matrix(p + "attn_output.weight", layer, shape.Dim, queryWidth, 1f / MathF.Sqrt(queryWidth));
    }

    /// <summary>attn_q_norm and attn_k_norm: per-head RMS norm weights, [head-dim] (Qwen 3, Gemma 3).</summary>
    protected static void AddQueryKeyNorms(SyntheticTensors tensors, ModelShape shape, int layer)
    {
        tensors.Norm($"blk.{layer}.attn_q_norm.weight", shape.HeadDim);
        tensors.Norm($"blk.{layer}.attn_k_norm.weight", shape.HeadDim);
    }

    /// <summary>
    /// Mean of Gemma's post-attention and post-FFN norm weights. Gemma scales the embedding by √d and ties the output to
    /// it, so whatever of the input embedding survives in the final state raises that same token's logit, by about
    /// √d · |scaled embedding| / |residual stream| standard deviations. With random weights and post-norms near 1 that is
    /// several deviations and greedy decoding only repeats its input; post-norms of 64 bring it to about 0.25 (the
    /// residual stream of a trained model likewise grows far beyond its embedding).
    /// </summary>
    protected const float GemmaPostNormMean = 64f;

    /// <summary>
    /// Gemma's tensors (2 and 3): embedding, per layer the attention [Gemma 3: with Q/K norms] and FFN, each between a pre-norm
    /// and a post-norm (post-norms centred at <see cref="GemmaPostNormMean"/>), then the head.
    /// </summary>
    protected static void AddGemmaTensors(SyntheticTensors tensors, ModelShape shape, bool queryKeyNorms)
    {
        AddEmbedding(tensors, shape, EmbeddingStd(shape));
        for (int l = 0; l < shape.Layers; l++)
        {
            string p = $"blk.{l}.";
            tensors.Norm(p + "attn_norm.weight", shape.Dim);
            AddAttention(tensors, shape, l);
            if (queryKeyNorms)
            {
                AddQueryKeyNorms(tensors, shape, l);
            }

            tensors.Norm(p + "post_attention_norm.weight", shape.Dim, GemmaPostNormMean);
            tensors.Norm(p + "ffn_norm.weight", shape.Dim);
            AddGatedFeedForward(tensors, shape, l);
            tensors.Norm(p + "post_ffw_norm.weight", shape.Dim, GemmaPostNormMean);
        }

        AddOutput(tensors, shape);
    }

    /// <summary>ffn_gate, ffn_up ([d, ffn]) and ffn_down ([ffn, d]) of one layer.</summary>
    protected static void AddGatedFeedForward(SyntheticTensors tensors, ModelShape shape, int layer)
    {
        string p = $"blk.{layer}.";
        float inputScale = 1f / MathF.Sqrt(shape.Dim);
        tensors.Matrix(p + "ffn_gate.weight", layer, shape.FeedForward, shape.Dim, inputScale);
        tensors.Matrix(p + "ffn_up.weight", layer, shape.FeedForward, shape.Dim, inputScale);
        tensors.Matrix(p + "ffn_down.weight", layer, shape.Dim, shape.FeedForward, 1f / MathF.Sqrt(shape.FeedForward));
    }

    /// <summary>output_norm.weight, and output.weight ([d, vocab], std 3/√d) unless the output is tied to the embedding.</summary>
    protected static void AddOutput(SyntheticTensors tensors, ModelShape shape)
    {
        tensors.Norm("output_norm.weight", shape.Dim);
        if (!shape.TiedOutput)
        {
            tensors.Matrix("output.weight", -1, shape.Vocab, shape.Dim, 3f * (1f / MathF.Sqrt(shape.Dim)));
        }
    }

    /// <summary>An error about this architecture.</summary>
    protected ArgumentException Invalid(string message) => new($"{Name}: {message}");
}
