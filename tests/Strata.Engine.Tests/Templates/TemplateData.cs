// Loads the chat-template test data: the template manifest, the conversations and the goldens beside them.
using System.Globalization;
using System.Text.Json;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

/// <summary>One template of data/templates.json: a copied .jinja file or a shared tokenizer's chat_template.</summary>
internal sealed record TemplateEntry(string Name, string? File, string? Tokenizer, string BosToken, string EosToken);

/// <summary>Paths and readers for Templates/data (copied next to the test assembly).</summary>
internal static class TemplateData
{
    /// <summary>The data folder.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Templates", "data");

    /// <summary>The entries of templates.json.</summary>
    public static IReadOnlyList<TemplateEntry> Templates()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "templates.json")));
        return [.. doc.RootElement.EnumerateArray().Select(e => new TemplateEntry(
            e.GetProperty("name").GetString()!,
            e.TryGetProperty("file", out var file) ? file.GetString() : null,
            e.TryGetProperty("tokenizer", out var tokenizer) ? tokenizer.GetString() : null,
            e.GetProperty("bos_token").GetString()!,
            e.GetProperty("eos_token").GetString()!))];
    }

    /// <summary>The names of the conversations (file names without .json), sorted.</summary>
    public static IReadOnlyList<string> Conversations() =>
        [.. System.IO.Directory.GetFiles(Path.Combine(Directory, "conversations"), "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    /// <summary>The template text of <paramref name="entry"/>.</summary>
    public static string Source(TemplateEntry entry)
    {
        if (entry.File is not null)
        {
            return File.ReadAllText(Path.Combine(Directory, "templates", entry.File));
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedModels.File(Path.Combine("tokenizers", entry.Tokenizer!, "tokenizer_config.json"))));
        return doc.RootElement.GetProperty("chat_template").GetString()!;
    }

    /// <summary>The chat input of conversation <paramref name="name"/> with the tokens of <paramref name="entry"/>.</summary>
    public static ChatTemplateInput Input(string name, TemplateEntry entry)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "conversations", name + ".json")));
        var root = doc.RootElement;
        return new ChatTemplateInput(root.GetProperty("messages").Clone())
        {
            Tools = root.TryGetProperty("tools", out var tools) ? tools.Clone() : null,
            AddGenerationPrompt = root.GetProperty("add_generation_prompt").GetBoolean(),
            BosToken = entry.BosToken,
            EosToken = entry.EosToken,
            Now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, CultureInfo.InvariantCulture),
            Extra = root.TryGetProperty("extra", out var extra)
                ? extra.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
                : null,
        };
    }

    /// <summary>The golden text of <paramref name="template"/> with <paramref name="conversation"/>.</summary>
    public static string Golden(string template, string conversation) =>
        File.ReadAllText(Path.Combine(Directory, "goldens", template, conversation + ".txt"));
}
