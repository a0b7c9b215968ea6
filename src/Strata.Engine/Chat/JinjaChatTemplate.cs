// A model's own chat template (its GGUF tokenizer.chat_template) as a prompt template, rendered by the Jinja interpreter.
using System.Text.Json;
using Strata.Engine.Templates;

namespace Strata.Engine.Chat;

/// <summary>
/// Renders with the model's Jinja template as transformers' <c>apply_chat_template</c> does (messages, tools,
/// add_generation_prompt, bos_token, eos_token, strftime_now from the injected clock). As llama.cpp does, a BOS text the
/// template writes at the start is removed when the tokenizer adds BOS itself, and the text is tokenized reading
/// special-token texts as their tokens; turns end at the tokenizer's end-of-generation tokens. A template that does not
/// parse renders nothing: every render throws a <see cref="ChatTemplateException"/> naming the construct.
/// </summary>
public sealed class JinjaChatTemplate : IChatPromptTemplate
{
    private readonly ModelChatTemplate? _template;
    private readonly TemplateException? _unsupported;
    private readonly string _bos;
    private readonly string _eos;
    private readonly bool _stripBos;
    private readonly TimeProvider _time;

    /// <summary>A template from its source and the model's BOS/EOS texts.</summary>
    /// <param name="source">the Jinja text</param>
    /// <param name="bosText">the BOS token's text ("" when none)</param>
    /// <param name="eosText">the EOS token's text ("" when none)</param>
    /// <param name="tokenizerAddsBos">whether tokenizing the prompt adds BOS (a leading BOS text is then removed)</param>
    /// <param name="time">the clock strftime_now reads</param>
    public JinjaChatTemplate(string source, string bosText, string eosText, bool tokenizerAddsBos, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            _template = ModelChatTemplate.Parse(source);
        }
        catch (TemplateException e)
        {
            _unsupported = e;
        }

        _bos = bosText;
        _eos = eosText;
        _stripBos = tokenizerAddsBos && bosText.Length > 0;
        _time = time;
        Name = "jinja:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..12];
        ToolFormat = ToolCallFormats.Detect(source);
        RendersTools = ToolCallFormats.RendersTools(source);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public ToolCallFormat ToolFormat { get; }

    /// <inheritdoc/>
    public bool RendersTools { get; }

    /// <inheritdoc/>
    public bool ParseSpecial => true;

    /// <inheritdoc/>
    public IReadOnlyList<string> StopStrings => [];

    /// <inheritdoc/>
    public string Render(IReadOnlyList<ChatTurn> turns, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt,
        IReadOnlyDictionary<string, JsonElement>? variables)
    {
        if (_template is null)
        {
            throw new ChatTemplateException($"the template does not parse: {_unsupported!.Message}", raisedByTemplate: false, _unsupported);
        }

        var input = new ChatTemplateInput(ChatJson.Messages(turns))
        {
            Tools = tools is null ? null : ChatJson.Tools(tools),
            AddGenerationPrompt = addGenerationPrompt,
            BosToken = _bos,
            EosToken = _eos,
            Now = _time.GetUtcNow(),
            Extra = variables,
        };
        string text;
        try
        {
            text = _template.Render(input);
        }
        catch (TemplateRaisedException e)
        {
            throw new ChatTemplateException(e.Message, raisedByTemplate: true, e);
        }
        catch (TemplateException e)
        {
            throw new ChatTemplateException(e.Message, raisedByTemplate: false, e);
        }

        return _stripBos && text.StartsWith(_bos, StringComparison.Ordinal) ? text[_bos.Length..] : text;
    }
}
