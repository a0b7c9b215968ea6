// The context a task's prompts carry, and the record of what entered and what was kept out.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>One context item's fate: entered the prompt (with its hash) or kept out (with why).</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Classification">Its classification.</param>
/// <param name="Sha256">SHA-256 of its text; null when it was never read.</param>
/// <param name="Included">True when it entered the prompt.</param>
/// <param name="Reason">Why it was kept out; null when included.</param>
public sealed record ContextDecision(string Id, DataClassification Classification, string? Sha256, bool Included, string? Reason);

/// <summary>The assembled context: the text given to the model and one decision per item.</summary>
/// <param name="Text">The items that entered, in contract order, each under its id.</param>
/// <param name="Decisions">One per item of the contract.</param>
public sealed record AssembledContext(string Text, IReadOnlyList<ContextDecision> Decisions);
