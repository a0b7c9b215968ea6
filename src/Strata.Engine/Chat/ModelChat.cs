// One model's chat: renders a request with its template and decides the grammar and tool-call format of the answer.
namespace Strata.Engine.Chat;

/// <summary>
/// Turns a <see cref="ChatRequest"/> into a <see cref="ChatPrompt"/> for one model. The server, the CLI and the in-process
/// client all go through here, so the same request gives the same prompt and the same grammar at every front door.
/// Tools in the template's own format are passed to the template; otherwise (no format of its own, or a template that
/// does not render tools) they are described in the system message and the answer is the generic JSON, under a grammar.
/// </summary>
public sealed class ModelChat
{
    /// <summary>A chat over <paramref name="template"/>.</summary>
    public ModelChat(IChatPromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Template = template;
    }

    /// <summary>The chat of <paramref name="model"/>: its own template when its file has one, else ChatML.</summary>
    /// <param name="model">the model</param>
    /// <param name="time">the clock a template's strftime_now reads; null = the system's</param>
    public static ModelChat For(Artifacts.ModelArtifact model, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ChatTemplate is not { Source: { Length: > 0 } source } template)
        {
            return new ModelChat(ChatMlTemplate.Instance);
        }

        return new ModelChat(new JinjaChatTemplate(source, template.BosToken, template.EosToken, model.Tokenizer.AddBosByDefault,
            time ?? TimeProvider.System));
    }

    /// <summary>The prompt's token ids: parsing special-token texts when the template writes them, with the tokenizer's BOS.</summary>
    public int[] Encode(ChatPrompt prompt, Tokenizers.ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Template.ParseSpecial ? tokenizer.EncodeParsingSpecial(prompt.Text, addSpecial: true) : tokenizer.Encode(prompt.Text, addSpecial: true);
    }

    /// <summary>The template in use.</summary>
    public IChatPromptTemplate Template { get; }

    /// <summary>This model's compiled answer grammars.</summary>
    public ConstraintCompiler Constraints { get; } = new();

    /// <summary>The grammar <paramref name="prompt"/>'s answer must follow, compiled (and cached); null for free text.</summary>
    /// <exception cref="Grammar.SchemaException">the schema cannot be compiled; its pointer names where</exception>
    /// <exception cref="Grammar.GrammarException">the grammar does not parse</exception>
    public Grammar.Grammar? Grammar(ChatPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return prompt.Constraint is null ? null : Constraints.Compile(prompt.Constraint);
    }

    /// <summary>The prompt for <paramref name="request"/>.</summary>
    /// <exception cref="ChatTemplateException">the template raised or is unsupported</exception>
    public ChatPrompt Render(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var choice = request.EffectiveToolChoice;
        var turns = request.Turns;
        IReadOnlyList<ChatTool>? templateTools = null;
        var format = Template.ToolFormat;
        if (request.ToolsActive)
        {
            if (format == ToolCallFormat.Generic || !Template.RendersTools)
            {
                format = ToolCallFormat.Generic;
                turns = GenericToolPrompt.Inject(turns, request.Tools, choice);
            }
            else
            {
                templateTools = request.Tools;
            }
        }

        string text = Template.Render(turns, templateTools, request.AddGenerationPrompt, request.TemplateVariables);
        var constraint = request.ToolsActive
            ? ToolConstraint(format, request.Tools, choice, request.ParallelToolCalls)
            : request.ResponseFormat.Kind switch
            {
                ResponseFormatKind.JsonObject => OutputConstraint.AnyJsonObject,
                ResponseFormatKind.JsonSchema => new OutputConstraint(ConstraintLanguage.JsonSchema, request.ResponseFormat.Schema!),
                _ => null,
            };
        return new ChatPrompt(text, Template.StopStrings, constraint, format, request.ToolsActive ? request.Tools : []);
    }

    // Generic answers are always held to their JSON; a model's own format is held only when it must call (with auto it
    // writes text or calls as it likes, and the parser reads what it wrote).
    private static OutputConstraint? ToolConstraint(ToolCallFormat format, IReadOnlyList<ChatTool> tools, ToolChoice choice, bool parallel)
    {
        if (format == ToolCallFormat.Generic)
        {
            return new OutputConstraint(ConstraintLanguage.JsonSchema, ToolCallSchemas.Generic(tools, choice, parallel));
        }

        if (choice.Mode == ToolChoiceMode.Auto)
        {
            return null;
        }

        return format switch
        {
            ToolCallFormat.Llama3Json => new OutputConstraint(ConstraintLanguage.JsonSchema, ToolCallSchemas.Llama3(tools, choice)),
            ToolCallFormat.Hermes => ToolCallGrammars.Hermes(tools, choice, parallel),
            ToolCallFormat.MistralNemo => ToolCallGrammars.MistralNemo(tools, choice, parallel),
            _ => throw new System.Diagnostics.UnreachableException($"tool-call format {format} has no grammar"),
        };
    }
}
