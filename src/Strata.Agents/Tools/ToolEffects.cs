// What a tool does to the world; policy rules match on it.
namespace Strata.Agents;

/// <summary>The effects a tool declares; a set of flags, persisted by name, values append-only.</summary>
[Flags]
public enum ToolEffects
{
    /// <summary>No effect at all (a pure computation).</summary>
    None = 0,

    /// <summary>Reads data.</summary>
    Read = 1,

    /// <summary>Changes local or owned data.</summary>
    Write = 2,

    /// <summary>Talks to a system outside this one (sends mail, calls an API).</summary>
    External = 4,

    /// <summary>Spends money or quota.</summary>
    Spend = 8,

    /// <summary>Cannot be undone.</summary>
    Irreversible = 16,
}
