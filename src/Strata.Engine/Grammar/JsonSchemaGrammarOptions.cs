// Options of the JSON Schema to grammar compiler.
namespace Strata.Engine.Grammar;

/// <summary>How <see cref="JsonSchemaGrammar"/> compiles a schema.</summary>
public sealed record JsonSchemaGrammarOptions
{
    /// <summary>The options used when none are given.</summary>
    public static JsonSchemaGrammarOptions Default { get; } = new();

    /// <summary>Whitespace allowed between JSON tokens; <see cref="JsonWhitespace.Minimal"/> by default.</summary>
    public JsonWhitespace Whitespace { get; init; } = JsonWhitespace.Minimal;
}
