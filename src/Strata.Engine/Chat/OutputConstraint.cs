// The grammar an answer must follow, as its source: a JSON Schema or a GBNF grammar.
namespace Strata.Engine.Chat;

/// <summary>The language of an <see cref="OutputConstraint"/>'s source.</summary>
public enum ConstraintLanguage
{
    /// <summary>A JSON Schema (the answer is one JSON value valid against it).</summary>
    JsonSchema = 0,

    /// <summary>A llama.cpp GBNF grammar with a <c>root</c> rule.</summary>
    Gbnf = 1,
}

/// <summary>What the token step holds an answer to, before it is compiled against a vocabulary.</summary>
/// <param name="Language">JSON Schema or GBNF</param>
/// <param name="Source">the schema's JSON text or the grammar's text</param>
/// <param name="RootRule">for GBNF, the start rule</param>
public sealed record OutputConstraint(ConstraintLanguage Language, string Source, string RootRule = "root")
{
    /// <summary>Any JSON object (response_format json_object).</summary>
    public static OutputConstraint AnyJsonObject { get; } = new(ConstraintLanguage.JsonSchema, "{\"type\":\"object\"}");
}
