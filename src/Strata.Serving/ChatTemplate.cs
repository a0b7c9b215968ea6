// The fallback chat template (ChatML) used until a template engine renders the model's tokenizer.chat_template.
using System.Text;

namespace Strata.Serving;

/// <summary>
/// Renders chat messages as ChatML: <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then
/// <c>&lt;|im_start|&gt;assistant\n</c>. Generation also stops at <see cref="EndOfTurn"/>. "developer" renders as "system".
/// </summary>
internal static class ChatTemplate
{
    public const string EndOfTurn = "<|im_end|>";

    public static string Render(IReadOnlyList<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var m in messages)
        {
            string role = m.Role == "developer" ? "system" : m.Role;
            text.Append("<|im_start|>").Append(role).Append('\n').Append(m.Content).Append(EndOfTurn).Append('\n');
        }

        return text.Append("<|im_start|>assistant\n").ToString();
    }
}
