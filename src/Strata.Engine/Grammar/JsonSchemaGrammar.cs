// stub
using System.Text.Json;
namespace Strata.Engine.Grammar;
/// <summary>stub</summary>
public static class JsonSchemaGrammar
{
    /// <summary>stub</summary>
    public static Grammar Compile(string schemaJson, JsonSchemaGrammarOptions? options = null) => throw new NotImplementedException();
    /// <summary>stub</summary>
    public static Grammar Compile(JsonElement schema, JsonSchemaGrammarOptions? options = null) => throw new NotImplementedException();
    /// <summary>stub</summary>
    public static Grammar AnyObject(JsonSchemaGrammarOptions? options = null) => throw new NotImplementedException();
}
/// <summary>stub</summary>
public sealed record JsonSchemaGrammarOptions;
/// <summary>stub</summary>
public sealed class SchemaException : Exception;
