// What shape the answer must take: free text, any JSON object, or JSON matching a schema (OpenAI's response_format).
namespace Strata.Engine.Chat;

/// <summary>The kind of a <see cref="ResponseFormat"/>.</summary>
public enum ResponseFormatKind
{
    /// <summary>Free text.</summary>
    Text = 0,

    /// <summary>Any JSON object.</summary>
    JsonObject = 1,

    /// <summary>JSON valid against <see cref="ResponseFormat.Schema"/>.</summary>
    JsonSchema = 2,
}

/// <summary>The required shape of the answer.</summary>
/// <param name="Kind">text, json_object or json_schema</param>
/// <param name="Schema">the JSON Schema as JSON text, for <see cref="ResponseFormatKind.JsonSchema"/>; otherwise null</param>
/// <param name="Name">the schema's name (OpenAI's json_schema.name), for evidence; may be null</param>
public sealed record ResponseFormat(ResponseFormatKind Kind, string? Schema = null, string? Name = null)
{
    /// <summary>Free text.</summary>
    public static ResponseFormat Text { get; } = new(ResponseFormatKind.Text);

    /// <summary>Any JSON object.</summary>
    public static ResponseFormat JsonObject { get; } = new(ResponseFormatKind.JsonObject);
}
