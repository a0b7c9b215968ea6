// The body of POST /v1/embeddings in OpenAI's shape, checked field by field: a 400 names the first bad field.
using System.Text.Json;
using static Strata.Serving.JsonField;

namespace Strata.Serving;

/// <summary>A parsed and validated embeddings request.</summary>
internal sealed class EmbeddingsRequest
{
    /// <summary>Most texts one request may embed (OpenAI's limit).</summary>
    public const int MaxInputs = 2048;

    public string? Model { get; private set; }

    /// <summary>The texts, in order; at least one, none empty.</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>"float" (JSON numbers) or "base64" (little-endian float32 bytes).</summary>
    public bool Base64 { get; private set; }

    /// <summary>Dimensions the client asked for; null = the model's.</summary>
    public int? Dimensions { get; private set; }

    public string? User { get; private set; }

    /// <summary>Parses <paramref name="root"/>; throws <see cref="ApiError"/> (400) naming the first bad field.</summary>
    public static EmbeddingsRequest Parse(JsonElement root)
    {
        try
        {
            return ParseObject(root);
        }
        catch (InvalidOperationException e)
        {
            throw ApiError.BadRequest($"the request body is not valid UTF-8 JSON: {e.Message}", null, "invalid_json");
        }
    }

    private static EmbeddingsRequest ParseObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"the request body must be a JSON object; found {Kind(root)}");
        }

        var r = new EmbeddingsRequest();
        bool sawInput = false;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "model":
                    r.Model = String(v, "model");
                    break;
                case "input":
                    ParseInput(v, r.Inputs);
                    sawInput = true;
                    break;
                case "encoding_format":
                    r.Base64 = String(v, "encoding_format") switch
                    {
                        "float" => false,
                        "base64" => true,
                        string other => throw ApiError.BadRequest($"'encoding_format' must be \"float\" or \"base64\"; found \"{other}\"", "encoding_format"),
                    };
                    break;
                case "dimensions":
                    r.Dimensions = v.ValueKind == JsonValueKind.Null ? null : Int(v, "dimensions");
                    break;
                case "user":
                    r.User = v.ValueKind == JsonValueKind.Null ? null : String(v, "user");
                    break;
                default:
                    throw ApiError.BadRequest($"unknown field '{p.Name}'", p.Name);
            }
        }

        if (!sawInput)
        {
            throw ApiError.BadRequest("'input' is required: a string or an array of strings", "input");
        }

        return r;
    }

    private static void ParseInput(JsonElement v, List<string> inputs)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            inputs.Add(NonEmpty(v.GetString()!, "input"));
            return;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'input' must be a string or an array of strings; found {Kind(v)}", "input");
        }

        int count = v.GetArrayLength();
        if (count == 0)
        {
            throw ApiError.BadRequest("'input' is an empty array; give at least one string", "input");
        }

        if (count > MaxInputs)
        {
            throw ApiError.BadRequest($"'input' holds {count} items; at most {MaxInputs} are embedded per request", "input");
        }

        int index = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ApiError.BadRequest(
                    $"'input[{index}]' must be a string; found {Kind(item)} (token-id input is not supported: send the text)", "input");
            }

            inputs.Add(NonEmpty(item.GetString()!, $"input[{index}]"));
            index++;
        }
    }
}
