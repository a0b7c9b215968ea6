// Evidence from the kernels layer: the kernel chosen for each op.
namespace Strata.Evidence;

/// <summary>Kernel choices, one per op (in the order the layer reported them).</summary>
public sealed record KernelsSection
{
    /// <summary>Op → kernel and numerical mode.</summary>
    public required IReadOnlyList<KernelChoice> Choices { get; init; }
}
