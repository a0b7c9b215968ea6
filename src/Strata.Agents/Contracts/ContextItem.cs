// One piece of context offered to a task, with its classification and retention.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A context item: text (inline, read from a file, or kept by earlier tasks as memory) with a classification. Items above the task's clearance
/// never enter a prompt; what enters is recorded by hash. A <see cref="ContentRetention.HashOnly"/> item is never
/// written to the store: its text is kept only in memory, or re-read from <see cref="Path"/> on resume.
/// </summary>
public sealed record ContextItem
{
    /// <summary>Name of the item, unique within the task.</summary>
    public required string Id { get; init; }

    /// <summary>The text; null when it is read from <see cref="Path"/>.</summary>
    public string? Text { get; init; }

    /// <summary>A file to read the text from, when <see cref="Text"/> is null.</summary>
    public string? Path { get; init; }

    /// <summary>
    /// A memory key, when the text is what earlier tasks of the tenant kept under it (those kept before this task was
    /// submitted and not expired then, oldest first; a memory classified above the item is left out).
    /// </summary>
    public string? Memory { get; init; }

    /// <summary>How sensitive the item is.</summary>
    public DataClassification Classification { get; init; } = DataClassification.Internal;

    /// <summary>Whether the item may be stored as text.</summary>
    public ContentRetention Retention { get; init; } = ContentRetention.Text;

    /// <summary>SHA-256 of the text, recorded when the item was first used (checked again on resume).</summary>
    public string? Sha256 { get; init; }
}
