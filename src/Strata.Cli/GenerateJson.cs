// The one JSON object `strata generate --format json` prints.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Evidence;

namespace Strata.Cli;

/// <summary>Writes prompt_tokens, tokens, text, stop_reason, metrics and evidence.</summary>
internal static class GenerateJson
{
    public static string Write(ModelRuntime runtime, GenerationResult result, EvidenceRecord record)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", runtime.Model.Path);
            WriteIds(w, "prompt_tokens", result.PromptTokens);
            WriteIds(w, "tokens", result.Tokens);
            w.WriteString("text", result.Text);
            w.WriteString("stop_reason", StopReasons.Name(result.StopReason));
            var m = result.Metrics;
            w.WriteStartObject("metrics");
            w.WriteNumber("prompt_tokens", m.PromptTokens);
            w.WriteNumber("generated_tokens", m.GeneratedTokens);
            w.WriteNumber("prompt_ms", m.PromptMilliseconds);
            w.WriteNumber("decode_ms", m.DecodeMilliseconds);
            w.WriteNumber("ttft_ms", m.TimeToFirstTokenMilliseconds);
            w.WriteNumber("prompt_tokens_per_s", m.PromptTokensPerSecond);
            w.WriteNumber("decode_tokens_per_s", m.DecodeTokensPerSecond);
            w.WriteNumber("load_ms", runtime.LoadMilliseconds);
            w.WriteEndObject();
            w.WritePropertyName("evidence");
            using (var evidence = JsonDocument.Parse(record.ToJson()))
            {
                evidence.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteIds(Utf8JsonWriter w, string name, int[] ids)
    {
        w.WriteStartArray(name);
        foreach (int id in ids)
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
    }
}
