// The body of POST /v1/chat/completions or /v1/completions, checked field by field: unknown, mistyped or out-of-range fields are named in a 400.
using System.Text.Json;
using Strata.Engine.Generation;

namespace Strata.Serving;

/// <summary>A parsed and validated request body.</summary>
internal sealed class ApiRequest
{
    public bool Chat { get; private init; }

    public string? Model { get; private set; }

    public string? Prompt { get; private set; }

    public int[]? PromptTokenIds { get; private set; }

    public List<ChatTurn> Messages { get; } = [];

    public int? MaxTokens { get; private set; }

    public float Temperature { get; private set; } = 1f;

    public float TopP { get; private set; } = 1f;

    public List<string> Stop { get; } = [];

    public ulong? Seed { get; private set; }

    public float PresencePenalty { get; private set; }

    public float FrequencyPenalty { get; private set; }

    public bool Logprobs { get; private set; }

    public int TopLogprobs { get; private set; }

    public bool Stream { get; private set; }

    public bool IncludeUsage { get; private set; }

    public string? User { get; private set; }

    /// <summary>Parses <paramref name="root"/>; throws <see cref="ApiError"/> (400) naming the first bad field.</summary>
    public static ApiRequest Parse(JsonElement root, bool chat)
    {
        try
        {
            return ParseObject(root, chat);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json checks UTF-8 inside strings and names only when they are read.
            throw ApiError.BadRequest($"the request body is not valid UTF-8 JSON: {e.Message}", null, "invalid_json");
        }
    }

    private static ApiRequest ParseObject(JsonElement root, bool chat)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"the request body must be a JSON object; found {Kind(root)}");
        }

        var r = new ApiRequest { Chat = chat };
        bool sawInput = false;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "model":
                    r.Model = String(v, "model");
                    break;
                case "messages" when chat:
                    ParseMessages(v, r.Messages);
                    sawInput = true;
                    break;
                case "prompt" when !chat:
                    ParsePrompt(v, r);
                    sawInput = true;
                    break;
                case "max_tokens":
                case "max_completion_tokens":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        int max = Int(v, p.Name);
                        if (max < 1)
                        {
                            throw ApiError.BadRequest($"'{p.Name}' must be 1 or more; found {max}", p.Name);
                        }

                        r.MaxTokens = max;
                    }

                    break;
                case "temperature":
                    r.Temperature = Float(v, "temperature", 0, 2, r.Temperature);
                    break;
                case "top_p":
                    r.TopP = Float(v, "top_p", 0, 1, r.TopP);
                    if (r.TopP == 0)
                    {
                        r.TopP = float.Epsilon; // "only the most likely token": keeps the nucleus to the top candidate
                    }

                    break;
                case "presence_penalty":
                    r.PresencePenalty = Float(v, "presence_penalty", -2, 2, 0);
                    break;
                case "frequency_penalty":
                    r.FrequencyPenalty = Float(v, "frequency_penalty", -2, 2, 0);
                    break;
                case "stop":
                    ParseStop(v, r.Stop);
                    break;
                case "seed":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long seed))
                        {
                            throw ApiError.BadRequest($"'seed' must be an integer; found {Kind(v)}", "seed");
                        }

                        r.Seed = unchecked((ulong)seed);
                    }

                    break;
                case "n":
                    if (v.ValueKind != JsonValueKind.Null && Int(v, "n") != 1)
                    {
                        throw ApiError.BadRequest($"'n' must be 1: this server returns one choice per request; found {v.GetRawText()}", "n");
                    }

                    break;
                case "best_of" when !chat:
                    if (v.ValueKind != JsonValueKind.Null && Int(v, "best_of") != 1)
                    {
                        throw ApiError.BadRequest($"'best_of' must be 1; found {v.GetRawText()}", "best_of");
                    }

                    break;
                case "echo" when !chat:
                    if (v.ValueKind != JsonValueKind.Null && Bool(v, "echo"))
                    {
                        throw ApiError.BadRequest("'echo' is not supported; send false or leave it out", "echo");
                    }

                    break;
                case "suffix" when !chat:
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        throw ApiError.BadRequest("'suffix' is not supported; leave it out", "suffix");
                    }

                    break;
                case "logprobs" when chat:
                    r.Logprobs = v.ValueKind != JsonValueKind.Null && Bool(v, "logprobs");
                    break;
                case "logprobs":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        int top = Int(v, "logprobs");
                        if (top is < 0 or > 5)
                        {
                            throw ApiError.BadRequest($"'logprobs' must be 0 to 5; found {top}", "logprobs");
                        }

                        r.Logprobs = true;
                        r.TopLogprobs = top;
                    }

                    break;
                case "top_logprobs" when chat:
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        int top = Int(v, "top_logprobs");
                        if (top is < 0 or > 20)
                        {
                            throw ApiError.BadRequest($"'top_logprobs' must be 0 to 20; found {top}", "top_logprobs");
                        }

                        r.TopLogprobs = top;
                    }

                    break;
                case "stream":
                    r.Stream = v.ValueKind != JsonValueKind.Null && Bool(v, "stream");
                    break;
                case "stream_options":
                    ParseStreamOptions(v, r);
                    break;
                case "user":
                    r.User = v.ValueKind == JsonValueKind.Null ? null : String(v, "user");
                    break;
                case "response_format" when chat:
                    CheckResponseFormat(v);
                    break;
                case "tools" or "tool_choice" or "functions" or "function_call" or "logit_bias" or "parallel_tool_calls":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        throw ApiError.BadRequest($"'{p.Name}' is not supported by this server yet; leave it out", p.Name);
                    }

                    break;
                case "store" or "metadata" or "service_tier":
                    break; // accepted and without effect: nothing is stored, there are no tiers
                default:
                    throw ApiError.BadRequest($"unknown field '{p.Name}'", p.Name);
            }
        }

        if (!sawInput)
        {
            string field = chat ? "messages" : "prompt";
            throw ApiError.BadRequest($"'{field}' is required", field);
        }

        if (r.Stream is false && r.IncludeUsage)
        {
            throw ApiError.BadRequest("'stream_options' is only allowed when 'stream' is true", "stream_options");
        }

        if (r.TopLogprobs > 0 && chat && !r.Logprobs)
        {
            throw ApiError.BadRequest("'top_logprobs' needs 'logprobs': true", "top_logprobs");
        }

        return r;
    }

    private static void ParseMessages(JsonElement v, List<ChatTurn> messages)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            throw ApiError.BadRequest($"'messages' must be a non-empty array; found {Kind(v)}", "messages");
        }

        int i = 0;
        foreach (var m in v.EnumerateArray())
        {
            string at = $"messages[{i}]";
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}' must be an object; found {Kind(m)}", at);
            }

            string? role = null;
            string? content = null;
            foreach (var f in m.EnumerateObject())
            {
                switch (f.Name)
                {
                    case "role":
                        role = String(f.Value, $"{at}.role");
                        if (role is not ("system" or "developer" or "user" or "assistant"))
                        {
                            throw ApiError.BadRequest($"'{at}.role' must be system, developer, user or assistant; found '{role}'", $"{at}.role");
                        }

                        break;
                    case "content":
                        content = Content(f.Value, $"{at}.content");
                        break;
                    case "name":
                        String(f.Value, $"{at}.name");
                        break;
                    case "refusal":
                        break;
                    default:
                        throw ApiError.BadRequest($"unknown field '{at}.{f.Name}'", $"{at}.{f.Name}");
                }
            }

            if (role is null)
            {
                throw ApiError.BadRequest($"'{at}.role' is required", $"{at}.role");
            }

            messages.Add(new ChatTurn(role, content ?? string.Empty));
            i++;
        }
    }

    private static string Content(JsonElement v, string field)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString()!;
        }

        if (v.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'{field}' must be a string or an array of text parts; found {Kind(v)}", field);
        }

        var text = new System.Text.StringBuilder();
        int i = 0;
        foreach (var part in v.EnumerateArray())
        {
            string at = $"{field}[{i++}]";
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw ApiError.BadRequest($"'{at}' must be an object with a 'type'", at);
            }

            if (type.GetString() != "text")
            {
                throw ApiError.BadRequest($"'{at}.type' is '{type.GetString()}'; this server takes only text parts", $"{at}.type");
            }

            if (!part.TryGetProperty("text", out var t))
            {
                throw ApiError.BadRequest($"'{at}.text' is required", $"{at}.text");
            }

            text.Append(String(t, $"{at}.text"));
        }

        return text.ToString();
    }

    private static void ParsePrompt(JsonElement v, ApiRequest r)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                r.Prompt = v.GetString();
                return;
            case JsonValueKind.Array when v.GetArrayLength() == 1 && v[0].ValueKind == JsonValueKind.String:
                r.Prompt = v[0].GetString();
                return;
            case JsonValueKind.Array when v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.Number:
                var ids = new int[v.GetArrayLength()];
                int i = 0;
                foreach (var e in v.EnumerateArray())
                {
                    ids[i] = Int(e, $"prompt[{i}]");
                    i++;
                }

                r.PromptTokenIds = ids;
                return;
            case JsonValueKind.Array:
                throw ApiError.BadRequest("'prompt' must be one string or one array of token ids; several prompts need n = 1 requests each", "prompt");
            default:
                throw ApiError.BadRequest($"'prompt' must be a string or an array of token ids; found {Kind(v)}", "prompt");
        }
    }

    private static void ParseStop(JsonElement v, List<string> stops)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                stops.Add(NonEmpty(v.GetString()!, "stop"));
                return;
            case JsonValueKind.Array:
                if (v.GetArrayLength() > 4)
                {
                    throw ApiError.BadRequest($"'stop' takes at most 4 strings; found {v.GetArrayLength()}", "stop");
                }

                int i = 0;
                foreach (var s in v.EnumerateArray())
                {
                    stops.Add(NonEmpty(String(s, $"stop[{i}]"), $"stop[{i}]"));
                    i++;
                }

                return;
            default:
                throw ApiError.BadRequest($"'stop' must be a string or an array of strings; found {Kind(v)}", "stop");
        }
    }

    private static void ParseStreamOptions(JsonElement v, ApiRequest r)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"'stream_options' must be an object; found {Kind(v)}", "stream_options");
        }

        foreach (var f in v.EnumerateObject())
        {
            if (f.Name != "include_usage")
            {
                throw ApiError.BadRequest($"unknown field 'stream_options.{f.Name}'", $"stream_options.{f.Name}");
            }

            r.IncludeUsage = f.Value.ValueKind != JsonValueKind.Null && Bool(f.Value, "stream_options.include_usage");
        }
    }

    private static void CheckResponseFormat(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw ApiError.BadRequest("'response_format' must be an object with a 'type'", "response_format");
        }

        if (type.GetString() != "text")
        {
            throw ApiError.BadRequest(
                $"'response_format' type '{type.GetString()}' is not supported yet (structured output is a later capability); only 'text' is",
                "response_format.type");
        }
    }

    private static string NonEmpty(string s, string field) =>
        s.Length > 0 ? s : throw ApiError.BadRequest($"'{field}' must not be empty", field);

    private static string String(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw ApiError.BadRequest($"'{field}' must be a string; found {Kind(v)}", field);

    private static bool Bool(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiError.BadRequest($"'{field}' must be true or false; found {Kind(v)}", field),
    };

    private static int Int(JsonElement v, string field)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
        {
            return i;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
        {
            return (int)d;
        }

        throw ApiError.BadRequest($"'{field}' must be an integer; found {Kind(v)} {Short(v)}", field);
    }

    private static float Float(JsonElement v, string field, float min, float max, float fallback)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
        {
            throw ApiError.BadRequest($"'{field}' must be a number; found {Kind(v)}", field);
        }

        if (!(d >= min && d <= max))
        {
            throw ApiError.BadRequest($"'{field}' must be between {min} and {max}; found {d}", field);
        }

        return (float)d;
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Short(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
