// The RoPE scaling of a synthetic model: scheme, factor and original context, as Hugging Face configs state them.
namespace Strata.Engine.Synthesis;

/// <summary>RoPE scaling parameters.</summary>
/// <param name="Kind">scheme</param>
/// <param name="Factor">context stretch (Hugging Face <c>rope_scaling.factor</c>; for LongRoPE, context / original context)</param>
/// <param name="OriginalContext">the context the model was pre-trained with (<c>original_max_position_embeddings</c>); 0 when unused</param>
/// <param name="LowFrequencyFactor">Llama 3 <c>low_freq_factor</c></param>
/// <param name="HighFrequencyFactor">Llama 3 <c>high_freq_factor</c></param>
public sealed record RopeScaling(RopeScalingKind Kind, float Factor, int OriginalContext, float LowFrequencyFactor = 1f,
    float HighFrequencyFactor = 4f)
{
    /// <summary>No scaling.</summary>
    public static RopeScaling None { get; } = new(RopeScalingKind.None, 1f, 0);

    /// <summary>The name used by <c>rope-scaling=</c> and by GGUF's <c>rope.scaling.type</c>.</summary>
    public string Name => Kind switch
    {
        RopeScalingKind.None => "none",
        RopeScalingKind.Linear => "linear",
        RopeScalingKind.Yarn => "yarn",
        RopeScalingKind.Llama3 => "llama3",
        _ => "longrope",
    };
}
