// An error the API reports in OpenAI's shape: {"error":{"message","type","param","code"}} with an HTTP status.
using System.Text.Json;

namespace Strata.Serving;

/// <summary>
/// A client-visible error. Thrown inside request handling (by the server's endpoints and by those a
/// <see cref="ServerExtension"/> maps), it is written by the server's middleware as OpenAI's error object.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix",
    Justification = "named for the OpenAI error object it is written as; renaming it would touch every request parser for no reader's gain")]
public sealed class ApiError : Exception
{
    /// <summary>Creates an error with its HTTP status and OpenAI's fields.</summary>
    /// <param name="status">the HTTP status</param>
    /// <param name="message">what went wrong, for the client</param>
    /// <param name="type">OpenAI's error type (<c>invalid_request_error</c>, <c>server_error</c>)</param>
    /// <param name="param">the request field at fault, or null</param>
    /// <param name="code">a machine-readable code (<c>not_found</c>), or null</param>
    /// <param name="retryAfterSeconds">seconds for a Retry-After header; 0 = none</param>
    public ApiError(int status, string message, string type, string? param = null, string? code = null, int retryAfterSeconds = 0)
        : base(message)
    {
        Status = status;
        Type = type;
        Param = param;
        Code = code;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>Creates a 500 server error.</summary>
    public ApiError()
        : this(500, "internal error", "server_error")
    {
    }

    /// <summary>Creates a 500 server error with a message.</summary>
    public ApiError(string message)
        : this(500, message, "server_error")
    {
    }

    /// <summary>Creates a 500 server error with a message and its cause.</summary>
    public ApiError(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 500;
        Type = "server_error";
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>OpenAI's error type (<c>invalid_request_error</c>, <c>server_error</c>).</summary>
    public string Type { get; }

    /// <summary>The request field at fault, or null.</summary>
    public string? Param { get; }

    /// <summary>A machine-readable code, or null.</summary>
    public string? Code { get; }

    /// <summary>Seconds for a Retry-After header; 0 = none.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>Methods for an Allow header (with 405); null = none.</summary>
    public string? Allow { get; init; }

    /// <summary>A 400 <c>invalid_request_error</c> naming <paramref name="param"/>.</summary>
    public static ApiError BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, "invalid_request_error", param, code);

    /// <summary>A 404 <c>invalid_request_error</c> with code <c>not_found</c>.</summary>
    public static ApiError NotFound(string message) => new(404, message, "invalid_request_error", null, "not_found");

    /// <summary>Writes {"error":{...}} to <paramref name="writer"/>.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
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
