// A request inside a simulated replica: how much of its prompt is left to prefill and how much it has generated.
namespace Strata.Bench.ClusterSim;

/// <summary>A running (or waiting) request's progress on a replica.</summary>
internal sealed class SimSequence(SimRequest request)
{
    /// <summary>The request.</summary>
    public SimRequest Request { get; } = request;

    /// <summary>Prompt tokens still to compute (set at admission: the prompt less its cached blocks, at least 1).</summary>
    public int PrefillLeft { get; set; }

    /// <summary>Prompt tokens the step in flight computes for it.</summary>
    public int PrefillThisStep { get; set; }

    /// <summary>Whether the step in flight decodes a token for it.</summary>
    public bool DecodingThisStep { get; set; }

    /// <summary>Tokens generated so far.</summary>
    public int Generated { get; set; }
}
