// Tiny synthetic models that carry real vocabularies and chat templates (Qwen 3, Llama 3.1), written once per test run.
using Strata.Engine.Artifacts;
using Strata.Engine.Synthesis;

namespace Strata.Engine.Tests.Chat;

/// <summary>GGUFs made by <c>strata synth --vocab-from tokenizer.json</c> from ../shared's tokenizers, in a temp folder.</summary>
public static class TemplateModels
{
    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("strata-template-models-").FullName);
    private static readonly Lazy<string> Qwen = new(() => Write("qwen3"));
    private static readonly Lazy<string> Llama = new(() => Write("llama3_1"));

    /// <summary>d=64, 1 layer, Qwen 3's 151,669-token vocabulary and its chat template (Hermes tool calls).</summary>
    public static string Qwen3 => Qwen.Value;

    /// <summary>d=64, 1 layer, Llama 3.1's 128,256-token vocabulary and its chat template (JSON tool calls).</summary>
    public static string Llama31 => Llama.Value;

    /// <summary>A model with Llama 2's vocabulary and <paramref name="template"/> as its chat template, written under <paramref name="name"/>.</summary>
    public static string WithTemplate(string name, string template)
    {
        string vocabulary = Path.Combine(Folder.Value, name + ".vocab.gguf");
        using (var source = GgufFile.Open(SharedModels.File("llama-2-tiny-random.gguf")))
        {
            var writer = new GgufWriter();
            foreach (var (key, value) in source.Metadata)
            {
                if (key.StartsWith("tokenizer.", StringComparison.Ordinal) && key != "tokenizer.chat_template")
                {
                    writer.Add(key, value);
                }
            }

            writer.Add("tokenizer.chat_template", template);
            writer.Write(vocabulary);
        }

        string path = Path.Combine(Folder.Value, name + ".gguf");
        var shape = ModelShape.Parse("d=64,layers=1,heads=2,ffn=64,vocab=300,ctx=1024");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q8_0"), 7, vocabulary), path);
        return path;
    }

    private static string Write(string name)
    {
        string path = Path.Combine(Folder.Value, name + ".gguf");
        var shape = ModelShape.Parse("d=64,layers=1,heads=2,ffn=64,vocab=300,ctx=4096");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q8_0"), 7, SharedModels.File($"tokenizers/{name}/tokenizer.json")), path);
        return path;
    }
}
