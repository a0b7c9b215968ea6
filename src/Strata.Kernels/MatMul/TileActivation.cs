namespace Strata.Kernels;

/// <summary>An activation a matrix product applies to its output tiles as they are finished (fused into the store).</summary>
public enum TileActivation
{
    /// <summary>None: y = x · Wᵀ (+ bias).</summary>
    None,

    /// <summary>GELU in its erf form (<see cref="Activations.GeluErf"/>).</summary>
    GeluErf,

    /// <summary>max(y, 0).</summary>
    Relu,
}
