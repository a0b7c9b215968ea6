// What the generation loop streams for one sequence: new text as tokens complete it, then one completion.
using Strata.Engine.Generation;

namespace Strata.Engine.Batching;

/// <summary>How a sequence of the loop ended.</summary>
/// <param name="Reason">why</param>
/// <param name="PromptTokens">prompt ids</param>
/// <param name="CompletionTokens">generated ids</param>
/// <param name="Error">set when it failed (a forward pass threw, non-finite logits)</param>
public sealed record GenerationCompletion(StopReason Reason, int PromptTokens, int CompletionTokens, string? Error);

/// <summary>New text (possibly empty) or, last, the completion.</summary>
/// <param name="Text">text that is now safe to show</param>
/// <param name="Done">set on the last event</param>
public readonly record struct GenerationEvent(string Text, GenerationCompletion? Done);

/// <summary>One forward pass a sequence took part in: the loop's pass number and how many sequences shared it.</summary>
/// <param name="Pass">the loop's pass number</param>
/// <param name="Sequences">sequences in that pass</param>
/// <param name="Rows">token rows in that pass</param>
public readonly record struct SharedPass(long Pass, int Sequences, int Rows);
