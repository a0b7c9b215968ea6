// Whether, and which, tool the model must call (OpenAI's tool_choice).
namespace Strata.Engine.Chat;

/// <summary>How the model may use the tools it is offered.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides: answer in text or call tools.</summary>
    Auto = 0,

    /// <summary>The model must not call a tool (the tools are still shown to it).</summary>
    None = 1,

    /// <summary>The model must call at least one tool.</summary>
    Required = 2,

    /// <summary>The model must call the one named function.</summary>
    Named = 3,
}

/// <summary>A tool choice: its mode and, for <see cref="ToolChoiceMode.Named"/>, the function's name.</summary>
/// <param name="Mode">auto, none, required or named</param>
/// <param name="FunctionName">the function to call when <paramref name="Mode"/> is named; otherwise null</param>
public readonly record struct ToolChoice(ToolChoiceMode Mode, string? FunctionName = null)
{
    /// <summary>auto: the default when tools are given.</summary>
    public static ToolChoice Auto => new(ToolChoiceMode.Auto);

    /// <summary>none.</summary>
    public static ToolChoice None => new(ToolChoiceMode.None);

    /// <summary>required.</summary>
    public static ToolChoice Required => new(ToolChoiceMode.Required);

    /// <summary>The named function.</summary>
    public static ToolChoice Function(string name) => new(ToolChoiceMode.Named, name);
}
