// Checks a task's final answer against its contract: the output schema (JsonSchema.Net), then each named check.
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Strata.Agents;

/// <summary>A check's verdict on an answer.</summary>
/// <param name="Check">The check's name (<c>output_schema</c> for the schema).</param>
/// <param name="Passed">True when the answer passed.</param>
/// <param name="Detail">Why it failed; null when it passed.</param>
public sealed record CheckVerdict(string Check, bool Passed, string? Detail);

/// <summary>Runs an outcome contract's checks, in order, stopping at the first failure.</summary>
internal static class OutcomeValidator
{
    private static readonly EvaluationOptions SchemaOptions = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    /// <summary>Runs the checks; <paramref name="grade"/> asks a model (rubric, answer) and gives null when it passes, else why not.</summary>
    public static async Task<IReadOnlyList<CheckVerdict>> CheckAsync(OutcomeContract outcome, string answer, string taskId,
        IReadOnlyDictionary<string, Func<string, string?>> codeChecks, Func<string, string, Task<string?>> grade)
    {
        var verdicts = new List<CheckVerdict>();
        if (outcome.OutputSchema is { } schema)
        {
            var verdict = CheckSchema(schema, answer, taskId);
            verdicts.Add(verdict);
            if (!verdict.Passed)
            {
                return verdicts;
            }
        }

        foreach (var check in outcome.Checks)
        {
            var detail = check.Kind switch
            {
                OutcomeCheckKind.Contains => answer.Contains(check.Value!, StringComparison.Ordinal) ? null : $"the answer does not contain '{check.Value}'",
                OutcomeCheckKind.Regex => Regex.IsMatch(answer, check.Value!, RegexOptions.None, TimeSpan.FromSeconds(1)) ? null : $"the answer does not match /{check.Value}/",
                OutcomeCheckKind.ModelGraded => await grade(check.Value!, answer).ConfigureAwait(false),
                _ => codeChecks.TryGetValue(check.Value ?? check.Name, out var code) ? code(answer) : $"no code check named '{check.Value ?? check.Name}' is registered",
            };
            verdicts.Add(new CheckVerdict(check.Name, detail is null, detail));
            if (detail is not null)
            {
                break;
            }
        }

        return verdicts;
    }

    private static CheckVerdict CheckSchema(JsonElement schema, string answer, string taskId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer);
        }
        catch (JsonException error)
        {
            return new CheckVerdict("output_schema", false, "the answer is not JSON: " + error.Message);
        }

        using (document)
        {
            var built = JsonSchema.FromText(schema.GetRawText(), baseUri: new Uri($"https://strata.local/tasks/{taskId}/output/{Guid.NewGuid():N}"));
            var result = built.Evaluate(document.RootElement, SchemaOptions);
            if (result.IsValid)
            {
                return new CheckVerdict("output_schema", true, null);
            }

            var errors = new List<string>();
            foreach (var detail in result.Details ?? [])
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    errors.Add($"{detail.InstanceLocation} {keyword}: {message}");
                }
            }

            return new CheckVerdict("output_schema", false, "the answer does not match the output schema: " + string.Join("; ", errors));
        }
    }
}
