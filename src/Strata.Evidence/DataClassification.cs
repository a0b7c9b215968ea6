// How sensitive a piece of data is; decides where it may go (model routes, prompts) and whether evidence keeps it as text.
namespace Strata.Evidence;

/// <summary>
/// Data classification, lowest to highest. Persisted by name and compared by order: content may flow only to a
/// place cleared for its classification or above. Values are append-only.
/// </summary>
public enum DataClassification
{
    /// <summary>May be published.</summary>
    Public = 0,

    /// <summary>Inside the organisation.</summary>
    Internal = 1,

    /// <summary>A need-to-know subset of the organisation; evidence keeps only hashes of it by default.</summary>
    Confidential = 2,

    /// <summary>Must never leave this process: only an in-process model may read it.</summary>
    Restricted = 3,
}
