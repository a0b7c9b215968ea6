// JSON Schema validation by JsonSchema.Net (not our code), with format assertion on.
using System.Text.Json;
using Json.Schema;

namespace Strata.Engine.Tests.Grammar;

internal static class SchemaValidator
{
    private static readonly EvaluationOptions Options = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
    private static int _next;

    /// <summary>Null when <paramref name="instance"/> parses as JSON and validates against <paramref name="schema"/>; else why not.</summary>
    public static string? Check(string schema, string instance)
    {
        var built = JsonSchema.FromText(schema, baseUri: new Uri($"https://strata.test/schema/{Interlocked.Increment(ref _next)}"));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(instance);
        }
        catch (JsonException e)
        {
            return "not JSON: " + e.Message;
        }

        using (document)
        {
            var result = built.Evaluate(document.RootElement, Options);
            if (result.IsValid)
            {
                return null;
            }

            var errors = new List<string>();
            foreach (var detail in result.Details ?? [])
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    errors.Add($"{detail.InstanceLocation} {keyword}: {message}");
                }
            }

            return "invalid: " + string.Join("; ", errors);
        }
    }
}
