// How much harm a task could do if it went wrong; policy rules match on it.
namespace Strata.Agents;

/// <summary>Risk of a task, lowest to highest; persisted by name, values append-only.</summary>
public enum RiskLevel
{
    /// <summary>Harmless if wrong.</summary>
    Low = 0,

    /// <summary>Recoverable harm.</summary>
    Medium = 1,

    /// <summary>Costly or visible harm.</summary>
    High = 2,

    /// <summary>Irreversible or regulated harm.</summary>
    Critical = 3,
}
