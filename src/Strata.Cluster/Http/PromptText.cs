// The text a request's prompt starts with, as the router hashes it: the chat messages or the completion prompt.
using System.Text;
using System.Text.Json;

namespace Strata.Cluster;

/// <summary>
/// Reads, without the model's tokenizer (the entry node may hold no replica), the text that decides a request's prefix
/// cache: each chat message's role and text content in order, or the completion prompt (string or token ids). The router
/// hashes it in blocks of characters; the engine's cache is in blocks of tokens, so the match is approximate, as SGLang's
/// router's character tree is.
/// </summary>
internal static class PromptText
{
    public const int MaxChars = 64 * 64;

    /// <summary>The model named, or null; and the prompt text (up to <see cref="MaxChars"/> characters).</summary>
    public static (string? Model, string Text, bool Stream) Read(JsonElement root, bool chat)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "", false);
        }

        string? model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        bool stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var text = new StringBuilder();
        if (chat && root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String)
                {
                    text.Append('<').Append(role.GetString()).Append('>');
                }

                if (message.TryGetProperty("content", out var content))
                {
                    AppendContent(text, content);
                }

                if (text.Length >= MaxChars)
                {
                    break;
                }
            }
        }
        else if (!chat && root.TryGetProperty("prompt", out var prompt))
        {
            AppendContent(text, prompt);
        }

        return (model, text.Length > MaxChars ? text.ToString(0, MaxChars) : text.ToString(), stream);
    }

    private static void AppendContent(StringBuilder text, JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(content.GetString());
                break;
            case JsonValueKind.Number:
                text.Append(content.GetRawText()).Append(' ');
                break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t))
                    {
                        AppendContent(text, t);
                    }
                    else if (part.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        AppendContent(text, part);
                    }

                    if (text.Length >= MaxChars)
                    {
                        return;
                    }
                }

                break;
            default:
                break;
        }
    }
}
