// The fallback chat template (ChatML), for models whose file carries no tokenizer.chat_template.
using System.Text;
using Strata.Engine.Chat;

namespace Strata.Engine.Generation;

/// <summary>
/// Renders chat messages as ChatML: <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then
/// <c>&lt;|im_start|&gt;assistant\n</c>. Generation also stops at <see cref="EndOfTurn"/>. "developer" renders as "system";
/// an assistant's tool calls follow its text as the generic format's JSON; a tool result is a "tool" message.
/// </summary>
public static class ChatTemplate
{
    /// <summary>The stop string that ends an assistant turn.</summary>
    public const string EndOfTurn = "<|im_end|>";

    /// <summary>The prompt text for <paramref name="turns"/>, ending where the assistant's answer starts.</summary>
    /// <param name="turns">the messages</param>
    /// <param name="addGenerationPrompt">end with the assistant's header, where its answer starts</param>
    public static string Render(IEnumerable<ChatTurn> turns, bool addGenerationPrompt = true)
    {
        var text = new StringBuilder();
        foreach (var m in turns)
        {
            string role = m.Role == "developer" ? "system" : m.Role;
            text.Append("<|im_start|>").Append(role).Append('\n').Append(m.Content);
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                text.Append(m.Content.Length > 0 ? "\n" : string.Empty).Append(GenericToolPrompt.CallsJson(calls));
            }

            text.Append(EndOfTurn).Append('\n');
        }

        return addGenerationPrompt ? text.Append("<|im_start|>assistant\n").ToString() : text.ToString();
    }
}
