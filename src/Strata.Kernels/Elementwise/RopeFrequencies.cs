// How a rotary embedding turns positions into angles: base, scaling (linear, YaRN), magnitude and per-pair frequency factors.
namespace Strata.Kernels;

/// <summary>
/// Rotary frequencies as ggml's rope_ext defines them: theta_i = position · Base^(−2i/Dims) / factor_i; linear scaling multiplies
/// it by <see cref="Scale"/>; YaRN (<see cref="ExtFactor"/> ≠ 0) ramps between the scaled and unscaled angle over the
/// correction dims and multiplies the magnitude by 1 + 0.1·ln(1/Scale); cos and sin are multiplied by
/// <see cref="Magnitude"/>.
/// </summary>
/// <param name="Base">frequency base</param>
/// <param name="Dims">rotated dims per head</param>
/// <param name="Scale">frequency scale, 1 / the linear or YaRN factor (1 = none)</param>
/// <param name="ExtFactor">YaRN extrapolation mix (0 = no YaRN)</param>
/// <param name="Magnitude">factor on cos and sin (llama.cpp's attn_factor)</param>
/// <param name="CorrectionLow">YaRN ramp start (pair index)</param>
/// <param name="CorrectionHigh">YaRN ramp end (pair index)</param>
public readonly record struct RopeFrequencies(float Base, int Dims, float Scale = 1f, float ExtFactor = 0f, float Magnitude = 1f,
    float CorrectionLow = 0f, float CorrectionHigh = 0f)
{
    /// <summary>True when the angles are the plain position · Base^(−2i/Dims) (no scaling, no magnitude).</summary>
    public bool IsPlain => Scale == 1f && ExtFactor == 0f && Magnitude == 1f;

    /// <summary>
    /// YaRN's correction dims for a model trained on <paramref name="originalContext"/> positions, as ggml computes them
    /// (in f32): the pairs whose wavelength makes betaFast and betaSlow rotations over the original context.
    /// </summary>
    public static (float Low, float High) CorrectionDims(int dims, int originalContext, float thetaBase, float betaFast, float betaSlow)
    {
        float Dim(float rotations) => dims * MathF.Log(originalContext / (rotations * 2 * MathF.PI)) / (2 * MathF.Log(thetaBase));
        return (MathF.Max(0, MathF.Floor(Dim(betaFast))), MathF.Min(dims - 1, MathF.Ceiling(Dim(betaSlow))));
    }
}
