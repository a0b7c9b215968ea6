// An error the API reports in OpenAI's shape: {"error":{"message","type","param","code"}} with an HTTP status.
using System.Text.Json;

namespace Strata.Serving;

/// <summary>A client-visible error; thrown inside request handling and written by the endpoint wrapper.</summary>
internal sealed class ApiError(int status, string message, string type, string? param = null, string? code = null, int retryAfterSeconds = 0)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>Seconds for a Retry-After header; 0 = none.</summary>
    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    /// <summary>Methods for an Allow header (with 405); null = none.</summary>
    public string? Allow { get; init; }

    public static ApiError BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, "invalid_request_error", param, code);

    /// <summary>Writes {"error":{...}} to <paramref name="writer"/>.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", Message);
        writer.WriteString("type", Type);
        if (Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", Param);
        }

        if (Code is null)
        {
            writer.WriteNull("code");
        }
        else
        {
            writer.WriteString("code", Code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
