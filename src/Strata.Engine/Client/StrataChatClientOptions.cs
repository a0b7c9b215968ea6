// How an in-process StrataChatClient loads its model and batches its callers.
namespace Strata.Engine;

/// <summary>Options of a <see cref="StrataChatClient"/>; every field has a default.</summary>
public sealed record StrataChatClientOptions
{
    /// <summary>Kernel threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Context per conversation; 0 = the model's, at most 4096.</summary>
    public int ContextTokens { get; init; }

    /// <summary>Concurrent calls that share one continuous batch; more wait for a slot.</summary>
    public int MaxConcurrent { get; init; } = 8;

    /// <summary>Rows in one forward pass (decode rows plus prompt chunks).</summary>
    public int BatchTokens { get; init; } = 64;

    /// <summary>Activations against quantized weights: 8-bit as llama.cpp computes them (the default), or exact f32.</summary>
    public Kernels.NumericMode Numerics { get; init; } = Kernels.NumericMode.QuantizedActivations;

    /// <summary>A call's output does not depend on the calls batched with it (greedy output alone equals batched).</summary>
    public bool BatchInvariant { get; init; } = true;

    /// <summary>The model id reported in responses; null = the file name without extension.</summary>
    public string? ModelId { get; init; }

    /// <summary>The clock of response timestamps and the loop's timings; null = <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? Time { get; init; }
}
