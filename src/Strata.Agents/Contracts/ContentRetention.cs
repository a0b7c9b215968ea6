// Whether the store and the evidence ledger may keep a piece of content as text or only as its hash.
namespace Strata.Agents;

/// <summary>How content is retained once used; persisted by name, values append-only.</summary>
public enum ContentRetention
{
    /// <summary>Kept as text (in checkpoints and, when its classification allows, in evidence).</summary>
    Text = 0,

    /// <summary>Never written anywhere: only its SHA-256 is recorded.</summary>
    HashOnly = 1,
}
