// What one render of a template gets: its variables, the instant strftime_now reports, and its limits.
namespace Strata.Engine.Templates;

/// <summary>The inputs of one <see cref="JinjaTemplate.Render(TemplateContext)"/>.</summary>
public sealed record TemplateContext
{
    /// <summary>
    /// The template's variables. Values may be <see cref="System.Text.Json.JsonElement"/>,
    /// <see cref="System.Text.Json.Nodes.JsonNode"/>, string, bool, integers, floating point, null, dictionaries with
    /// string keys and enumerables of these.
    /// </summary>
    public required IReadOnlyDictionary<string, object?> Variables { get; init; }

    /// <summary>The instant <c>strftime_now</c> formats (in its own offset). Null makes strftime_now fail: the clock
    /// is never read inside a render, so renders replay exactly.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>The render's budget.</summary>
    public TemplateLimits Limits { get; init; } = TemplateLimits.Default;
}
