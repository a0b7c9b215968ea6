// A function the model may call: its name, description and the JSON Schema of its arguments.
namespace Strata.Engine.Chat;

/// <summary>A function tool offered to the model (OpenAI's <c>tools[i].function</c>).</summary>
/// <param name="Name">the function's name: letters, digits, '_' and '-', at most 64 characters</param>
/// <param name="Description">what it does, for the model; null when none</param>
/// <param name="Parameters">JSON Schema of its arguments as JSON text (an object schema); "{}" accepts any object</param>
/// <param name="Strict">whether the arguments must match the schema exactly (they always do when a grammar constrains them)</param>
public sealed record ChatTool(string Name, string? Description, string Parameters, bool Strict = false)
{
    /// <summary>True when <paramref name="name"/> is a valid function name (OpenAI's rule: [a-zA-Z0-9_-]{1,64}).</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
