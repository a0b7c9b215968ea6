// `strata embed --model MODEL.onnx --text ...`: sentence embeddings of the texts, as text lines or one JSON object.
using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Engine.Embeddings;
using Strata.OnnxRuntime;

namespace Strata.Cli;

/// <summary>Builds the embed command.</summary>
internal static class EmbedCommand
{
    private const int ValuesShown = 8;

    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "embedding model: a BERT-family encoder (.onnx), e.g. all-MiniLM-L6-v2", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "its WordPiece vocabulary (default: vocab.txt beside the model)" };
        var text = new Option<string[]>("--text")
        {
            Description = "a text to embed (repeatable; embedded together, printed in order)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var format = CommonOptions.Format();
        var threads = CommonOptions.Threads();
        var runtime = new Option<string>("--runtime")
        {
            Description = "strata: Strata's compiled executable (default; any node without a Strata kernel runs in ONNX Runtime, said in the compile log); onnxruntime: ONNX Runtime alone",
            DefaultValueFactory = _ => "strata",
        };
        runtime.AcceptOnlyFromAmong("strata", "onnxruntime");
        var command = new Command("embed", "print the sentence embeddings (mean-pooled, L2-normalised) of one or more texts")
        {
            model, vocab, text, format, threads, runtime,
        };
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1)
            {
                throw new ArgumentException($"--threads is {threadCount}; it must be at least 1");
            }

            string[] texts = parse.GetValue(text) ?? [];
            int empty = Array.FindIndex(texts, t => t.Length == 0);
            if (empty >= 0)
            {
                throw new ArgumentException($"--text number {empty + 1} is empty; every text to embed needs at least one character");
            }

            var chosen = parse.GetValue(runtime) == "onnxruntime" ? EmbeddingRuntime.OnnxRuntime : EmbeddingRuntime.Strata;
            using Embedder embedder = EmbeddingModels.Open(modelPath, parse.GetValue(vocab), threadCount, chosen);
            EmbeddingResult result = embedder.Embed(texts);
            foreach (int truncated in result.TruncatedInputs)
            {
                Console.Error.WriteLine($"warning: text {truncated} has more than {embedder.MaxTokens} tokens; it was cut to {embedder.MaxTokens}");
            }

            Console.Out.WriteLine(parse.GetValue(format) == "json" ? Json(modelPath, embedder, result) : Text(result));
            return 0;
        });
        return command;
    }

    // {"model","runtime","dimensions","data":[{"index","embedding"}],"usage":{"prompt_tokens"},"truncated":[...]}; floats round-trip.
    private static string Json(string modelPath, Embedder embedder, EmbeddingResult result)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteString("runtime", embedder.Runtime);
            w.WriteNumber("dimensions", embedder.Dimensions);
            w.WriteStartArray("data");
            for (int i = 0; i < result.Embeddings.Length; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteNumber("tokens", result.TokenCounts[i]);
                w.WriteStartArray("embedding");
                foreach (float value in result.Embeddings[i])
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", result.PromptTokens);
            w.WriteNumber("total_tokens", result.PromptTokens);
            w.WriteEndObject();
            w.WriteStartArray("truncated");
            foreach (int index in result.TruncatedInputs)
            {
                w.WriteNumberValue(index);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    // One line per text: index, dimensions, tokens, the first values.
    private static string Text(EmbeddingResult result)
    {
        var lines = new System.Text.StringBuilder();
        for (int i = 0; i < result.Embeddings.Length; i++)
        {
            float[] e = result.Embeddings[i];
            var first = e.Take(ValuesShown).Select(v => v.ToString("F6", CultureInfo.InvariantCulture));
            lines.Append(CultureInfo.InvariantCulture, $"{i}: dim {e.Length}, {result.TokenCounts[i]} tokens [{string.Join(", ", first)}{(e.Length > ValuesShown ? ", ..." : "")}]");
            if (i < result.Embeddings.Length - 1)
            {
                lines.AppendLine();
            }
        }

        return lines.ToString();
    }
}
