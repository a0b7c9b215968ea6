// Reads tool calls out of a finished answer in the model's format; text that is not a well-formed call stays text.
using System.Text.Json;

namespace Strata.Engine.Chat;

/// <summary>
/// Splits an answer into text and tool calls. A call must name one of the offered tools and carry a JSON object of
/// arguments; anything else (a malformed block, an unknown name) is left in the text, so nothing the model wrote is lost.
/// </summary>
public static class ToolCallParser
{
    private const string HermesOpen = "<tool_call>";
    private const string HermesClose = "</tool_call>";
    private const string MistralMarker = "[TOOL_CALLS]";
    private const string PythonTag = "<|python_tag|>";

    /// <summary>Parses <paramref name="text"/> written in <paramref name="format"/>.</summary>
    /// <param name="text">the whole answer</param>
    /// <param name="format">the format the model was asked to use</param>
    /// <param name="tools">the tools offered; a call to any other name is not a call</param>
    /// <param name="newId">makes the id of the i-th call found</param>
    public static ChatReply Parse(string text, ToolCallFormat format, IReadOnlyList<ChatTool> tools, Func<int, string> newId)
    {
        ArgumentNullException.ThrowIfNull(text);
        var calls = new List<ChatToolCall>();
        string content = format switch
        {
            ToolCallFormat.Generic => ParseGeneric(text, tools, newId, calls),
            ToolCallFormat.Hermes => ParseHermes(text, tools, newId, calls),
            ToolCallFormat.Llama3Json => ParseLlama3(text, tools, newId, calls),
            ToolCallFormat.MistralNemo => ParseMistral(text, tools, newId, calls),
            _ => text,
        };
        return new ChatReply(content, calls);
    }

    private static string ParseGeneric(string text, IReadOnlyList<ChatTool> tools, Func<int, string> newId, List<ChatToolCall> calls)
    {
        if (!TryParseObject(text, out var doc))
        {
            return text;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.String)
            {
                return response.GetString()!;
            }

            if (root.TryGetProperty("tool_calls", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var found = new List<ChatToolCall>();
                foreach (var item in list.EnumerateArray())
                {
                    if (!TryCall(item, "arguments", tools, newId(calls.Count + found.Count), out var call))
                    {
                        return text;
                    }

                    found.Add(call);
                }

                calls.AddRange(found);
                return string.Empty;
            }
        }

        return text;
    }

    private static string ParseHermes(string text, IReadOnlyList<ChatTool> tools, Func<int, string> newId, List<ChatToolCall> calls)
    {
        var content = new System.Text.StringBuilder();
        int at = 0;
        while (at < text.Length)
        {
            int open = text.IndexOf(HermesOpen, at, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            int bodyStart = open + HermesOpen.Length;
            int close = text.IndexOf(HermesClose, bodyStart, StringComparison.Ordinal);
            int bodyEnd = close < 0 ? text.Length : close;
            int next = close < 0 ? text.Length : close + HermesClose.Length;
            string body = text[bodyStart..bodyEnd];
            if (TryParseObject(body, out var doc))
            {
                using (doc)
                {
                    if (TryCall(doc.RootElement, "arguments", tools, newId(calls.Count), out var call))
                    {
                        content.Append(text, at, open - at);
                        calls.Add(call);
                        at = next;
                        continue;
                    }
                }
            }

            content.Append(text, at, next - at);
            at = next;
        }

        content.Append(text, at, text.Length - at);
        if (calls.Count == 0 && TryParseObject(text, out var bare))
        {
            using (bare)
            {
                // A forced call is the bare object (ToolCallGrammars.Hermes).
                if (TryCall(bare.RootElement, "arguments", tools, newId(0), out var call))
                {
                    calls.Add(call);
                    return string.Empty;
                }
            }
        }

        return calls.Count > 0 ? content.ToString().Trim() : text;
    }

    private static string ParseLlama3(string text, IReadOnlyList<ChatTool> tools, Func<int, string> newId, List<ChatToolCall> calls)
    {
        string body = text.StartsWith(PythonTag, StringComparison.Ordinal) ? text[PythonTag.Length..] : text;
        if (!TryParseObject(body, out var doc))
        {
            return text;
        }

        using (doc)
        {
            string argumentsField = doc.RootElement.TryGetProperty("parameters", out _) ? "parameters" : "arguments";
            if (TryCall(doc.RootElement, argumentsField, tools, newId(0), out var call))
            {
                calls.Add(call);
                return string.Empty;
            }
        }

        return text;
    }

    private static string ParseMistral(string text, IReadOnlyList<ChatTool> tools, Func<int, string> newId, List<ChatToolCall> calls)
    {
        int marker = text.IndexOf(MistralMarker, StringComparison.Ordinal);
        int listStart = marker >= 0 ? marker + MistralMarker.Length : 0;
        if (marker < 0 && !text.TrimStart().StartsWith('['))
        {
            return text; // a forced call is the bare list (ToolCallGrammars.MistralNemo)
        }

        try
        {
            using var doc = JsonDocument.Parse(text.AsMemory(listStart));
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return text;
            }

            var found = new List<ChatToolCall>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (!TryCall(item, "arguments", tools, newId(found.Count), out var call))
                {
                    return text;
                }

                found.Add(call);
            }

            calls.AddRange(found);
            return marker >= 0 ? text[..marker].Trim() : string.Empty;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static bool TryCall(JsonElement item, string argumentsField, IReadOnlyList<ChatTool> tools, string id, out ChatToolCall call)
    {
        call = null!;
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
            || !item.TryGetProperty(argumentsField, out var arguments) || arguments.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string fn = name.GetString()!;
        bool offered = false;
        foreach (var tool in tools)
        {
            offered |= tool.Name == fn;
        }

        if (!offered)
        {
            return false;
        }

        call = new ChatToolCall(id, fn, arguments.GetRawText());
        return true;
    }

    private static bool TryParseObject(string text, out JsonDocument doc)
    {
        doc = null!;
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return false;
        }

        try
        {
            doc = JsonDocument.Parse(trimmed);
        }
        catch (JsonException)
        {
            return false;
        }

        if (doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        doc.Dispose();
        return false;
    }
}
