// The body of POST /v1/chat/completions or /v1/completions, checked field by field: unknown, mistyped or out-of-range fields are named in a 400.
using System.Text.Json;
using Strata.Engine.Chat;
using Strata.Engine.Generation;
using static Strata.Serving.JsonField;

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

    public int TopK { get; private set; }

    public float MinP { get; private set; }

    public List<ChatTool> Tools { get; } = [];

    public ToolChoice? ToolChoice { get; private set; }

    public bool ParallelToolCalls { get; private set; } = true;

    public ResponseFormat ResponseFormat { get; private set; } = ResponseFormat.Text;

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
                    ChatMessages.Parse(v, r.Messages);
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
                case "top_k":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        r.TopK = Int(v, "top_k");
                        if (r.TopK < 0)
                        {
                            throw ApiError.BadRequest($"'top_k' must be 0 (off) or more; found {r.TopK}", "top_k");
                        }
                    }

                    break;
                case "min_p":
                    r.MinP = Float(v, "min_p", 0, 1, 0);
                    break;
                case "response_format" when chat:
                    r.ResponseFormat = ToolFields.ParseResponseFormat(v);
                    break;
                case "tools" when chat:
                    ToolFields.ParseTools(v, r.Tools);
                    break;
                case "tool_choice" when chat:
                    r.ToolChoice = ToolFields.ParseToolChoice(v);
                    break;
                case "parallel_tool_calls" when chat:
                    r.ParallelToolCalls = v.ValueKind == JsonValueKind.Null || Bool(v, "parallel_tool_calls");
                    break;
                default:
                    CheckUnsupported(p.Name, v, chat);
                    break;
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

        CheckTools(r);
        if (r.TopLogprobs > 0 && chat && !r.Logprobs)
        {
            throw ApiError.BadRequest("'top_logprobs' needs 'logprobs': true", "top_logprobs");
        }

        return r;
    }

    // Fields this server accepts only with their neutral value, or ignores; any other name is unknown.
    private static void CheckUnsupported(string name, JsonElement v, bool chat)
    {
        switch (name)
        {
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
            case "functions" or "function_call":
                if (v.ValueKind != JsonValueKind.Null)
                {
                    throw ApiError.BadRequest($"'{name}' is OpenAI's deprecated form; send 'tools' and 'tool_choice' instead", name);
                }

                break;
            case "logit_bias":
                if (v.ValueKind != JsonValueKind.Null)
                {
                    throw ApiError.BadRequest($"'{name}' is not supported by this server; leave it out", name);
                }

                break;
            case "store" or "metadata" or "service_tier":
                break; // accepted and without effect: nothing is stored, there are no tiers
            default:
                throw ApiError.BadRequest($"unknown field '{name}'", name);
        }
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

    // tool_choice must name an offered tool, and a structured answer and forced tool calls exclude each other.
    private static void CheckTools(ApiRequest r)
    {
        if (r.ToolChoice is { Mode: ToolChoiceMode.Named, FunctionName: var name } && !r.Tools.Exists(t => t.Name == name))
        {
            throw ApiError.BadRequest($"'tool_choice' names function '{name}', which is not in 'tools'", "tool_choice.function.name");
        }

        if (r.ToolChoice is { Mode: ToolChoiceMode.Required or ToolChoiceMode.Named } && r.Tools.Count == 0)
        {
            throw ApiError.BadRequest("'tool_choice' asks for a tool call but 'tools' is empty", "tool_choice");
        }

        if (r.ResponseFormat.Kind != ResponseFormatKind.Text && r.Tools.Count > 0 && r.ToolChoice?.Mode != ToolChoiceMode.None)
        {
            throw ApiError.BadRequest("'response_format' with 'tools' needs 'tool_choice': 'none' (an answer cannot be both a tool call and a schema's JSON)",
                "response_format");
        }
    }
}
