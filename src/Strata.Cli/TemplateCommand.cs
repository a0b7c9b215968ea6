// `strata template`: render a chat template (a .jinja file or a GGUF's tokenizer.chat_template) for a conversation, exactly.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Strata.Engine.Artifacts;
using Strata.Engine.Templates;

namespace Strata.Cli;

/// <summary>Builds the template command.</summary>
internal static class TemplateCommand
{
    public static Command Create()
    {
        var template = new Option<string?>("--template") { Description = "Jinja chat template file (default: the --model's tokenizer.chat_template)" };
        var model = new Option<string?>("--model") { Description = "GGUF model: its chat template (when --template is absent) and its BOS/EOS token texts" };
        var messages = new Option<string>("--messages") { Description = "JSON file holding the OpenAI-style messages array", Required = true };
        var tools = new Option<string?>("--tools") { Description = "JSON file holding the OpenAI tools array" };
        var bos = new Option<string?>("--bos-token") { Description = "text of the BOS token (default: the model's, else empty)" };
        var eos = new Option<string?>("--eos-token") { Description = "text of the EOS token (default: the model's, else empty)" };
        var noPrompt = new Option<bool>("--no-generation-prompt") { Description = "do not end the prompt with the assistant's turn header" };
        var now = new Option<string?>("--now") { Description = "ISO-8601 time strftime_now reports (default: the current time)" };
        var command = new Command("template", "print the prompt a chat template renders for a conversation, as transformers' apply_chat_template would")
        {
            template, model, messages, tools, bos, eos, noPrompt, now,
        };
        command.SetAction(parse =>
        {
            var (source, modelBos, modelEos) = Source(parse.GetValue(template), parse.GetValue(model));
            var input = new ChatTemplateInput(ReadJsonArray(parse.GetValue(messages)!, "messages"))
            {
                Tools = parse.GetValue(tools) is { } toolsPath ? ReadJsonArray(toolsPath, "tools") : null,
                AddGenerationPrompt = !parse.GetValue(noPrompt),
                BosToken = parse.GetValue(bos) ?? modelBos,
                EosToken = parse.GetValue(eos) ?? modelEos,
                Now = ParseNow(parse.GetValue(now)),
            };
            Console.Out.Write(ModelChatTemplate.Parse(source).Render(input));
            Console.Out.Flush();
            return 0;
        });
        return command;
    }

    /// <summary>The template text and the model's BOS/EOS texts ("" without a model).</summary>
    private static (string Source, string Bos, string Eos) Source(string? templatePath, string? modelPath)
    {
        GgufChatTemplate? fromModel = null;
        if (modelPath is not null)
        {
            using var file = GgufFile.Open(modelPath);
            fromModel = GgufChatTemplate.Read(file);
        }

        string source = (templatePath, fromModel) switch
        {
            ({ } path, _) => File.ReadAllText(path),
            (null, { Source: { } fromFile }) => fromFile,
            (null, { }) => throw new ArgumentException($"{Path.GetFileName(modelPath)} has no {GgufChatTemplate.MetadataKey}; give the template with --template FILE.jinja"),
            _ => throw new ArgumentException("give the template: --template FILE.jinja, or --model FILE.gguf to use its tokenizer.chat_template"),
        };
        return (source, fromModel?.BosToken ?? "", fromModel?.EosToken ?? "");
    }

    private static JsonElement ReadJsonArray(string path, string what)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON ({e.Message})", e);
        }

        return root.ValueKind == JsonValueKind.Array
            ? root
            : throw new ArgumentException($"{path}: expected a JSON array of {what}, found {root.ValueKind.ToString().ToLowerInvariant()}");
    }

    private static DateTimeOffset ParseNow(string? text)
    {
        if (text is null)
        {
            return DateTimeOffset.Now;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var now)
            ? now
            : throw new ArgumentException($"--now: expected an ISO-8601 time such as 2025-07-26T09:15:00+00:00, found '{text}'");
    }
}
