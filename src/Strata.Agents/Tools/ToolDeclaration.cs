// What a tool declares about itself for governance: effects, the scope it needs, idempotency, compensation, cost.
namespace Strata.Agents;

/// <summary>A tool's governance declaration, given where the tool is registered (in code or in a tools file).</summary>
public sealed record ToolDeclaration
{
    /// <summary>Its effects.</summary>
    public ToolEffects Effects { get; init; } = ToolEffects.Read;

    /// <summary>The authority scope a task must hold to call it; null needs none beyond being offered.</summary>
    public string? Scope { get; init; }

    /// <summary>
    /// True when calling it twice with the same idempotency key has the effect of calling it once; an in-doubt
    /// call to such a tool is retried with the same key, to any other tool escalated to a person.
    /// </summary>
    public bool Idempotent { get; init; }

    /// <summary>The tool that undoes a completed call (given the same arguments), run when the task fails.</summary>
    public string? CompensatingTool { get; init; }

    /// <summary>Cost charged to the task's cost budget per call.</summary>
    public decimal CostPerCall { get; init; }
}
