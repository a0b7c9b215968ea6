// The budget one render may spend, so that a hostile template cannot hang, exhaust memory or overflow the stack.
namespace Strata.Engine.Templates;

/// <summary>Limits on one render; going over any of them fails the render with a <see cref="TemplateException"/>.</summary>
public sealed record TemplateLimits
{
    /// <summary>The limits used when none are given: far above what any chat template needs.</summary>
    public static readonly TemplateLimits Default = new();

    /// <summary>Characters the render may write in all (its output and captured blocks together). Default 16 Mi.</summary>
    public long MaxOutputChars { get; init; } = 16L * 1024 * 1024;

    /// <summary>Work units: one per statement, loop iteration and call, plus one per 8 characters or items a string
    /// or list operation builds. Default 5 million: about a second of hostile work; chat templates use thousands, and a
    /// conversation filling a 128k-token context a few hundred thousand.</summary>
    public long MaxSteps { get; init; } = 5_000_000;

    /// <summary>How deeply macro calls may nest (jinja2 under CPython's default recursion limit stops near 150). Default 100.</summary>
    public int MaxCallDepth { get; init; } = 100;

    /// <summary>Fails unless every limit is positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a limit is zero or negative</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxOutputChars);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxCallDepth);
    }
}
