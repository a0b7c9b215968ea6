// The fallback chat template (ChatML) used until a template engine renders the model's tokenizer.chat_template.
using System.Text;

namespace Strata.Engine.Generation;

/// <summary>One chat message as the template sees it.</summary>
/// <param name="Role">system, developer, user, assistant or tool</param>
/// <param name="Content">its text</param>
public readonly record struct ChatTurn(string Role, string Content);

/// <summary>
/// Renders chat messages as ChatML: <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then
/// <c>&lt;|im_start|&gt;assistant\n</c>. Generation also stops at <see cref="EndOfTurn"/>. "developer" renders as "system".
/// The server and the in-process chat client both render through here, so the same messages give the same prompt.
/// </summary>
public static class ChatTemplate
{
    /// <summary>The stop string that ends an assistant turn.</summary>
    public const string EndOfTurn = "<|im_end|>";

    /// <summary>The prompt text for <paramref name="turns"/>, ending where the assistant's answer starts.</summary>
    public static string Render(IEnumerable<ChatTurn> turns)
    {
        var text = new StringBuilder();
        foreach (var m in turns)
        {
            string role = m.Role == "developer" ? "system" : m.Role;
            text.Append("<|im_start|>").Append(role).Append('\n').Append(m.Content).Append(EndOfTurn).Append('\n');
        }

        return text.Append("<|im_start|>assistant\n").ToString();
    }
}
