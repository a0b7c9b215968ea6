// The body of approve, deny and cancel: {"by": "...", "reason": "..."}, both required, nothing else.
using System.Text.Json;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>Who acts and why, recorded in the ledger with the decision.</summary>
/// <param name="By">Who approves, denies or cancels.</param>
/// <param name="Reason">Why.</param>
internal sealed record PersonRequest(string By, string Reason)
{
    /// <summary>Reads the body.</summary>
    /// <exception cref="ApiError">400 naming the field that is missing, empty, not a string, or unknown</exception>
    public static PersonRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"the body must be a JSON object {{\"by\": ..., \"reason\": ...}}, found {body.ValueKind}", null, "invalid_body");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is not ("by" or "reason"))
            {
                throw ApiError.BadRequest($"unknown field '{property.Name}': the body takes 'by' and 'reason'", property.Name, "unknown_field");
            }
        }

        return new PersonRequest(Text(body, "by", "who acts"), Text(body, "reason", "why"));
    }

    private static string Text(JsonElement body, string name, string meaning)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            var found = !body.TryGetProperty(name, out var present) ? "nothing"
                : present.ValueKind == JsonValueKind.String ? "a blank string"
                : present.ValueKind.ToString();
            throw ApiError.BadRequest($"'{name}' ({meaning}) is required: a non-empty string; found {found}", name, "missing_field");
        }

        return value.GetString()!;
    }
}
