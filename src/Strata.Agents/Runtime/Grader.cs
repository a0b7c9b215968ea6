// A model-graded outcome check: a model judges the answer against a rubric, reached through a route the policy allows.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// Grades an answer with a model. The route is chosen as the task's is (the data boundary, then the policy), and
/// recorded; the grader must answer JSON <c>{"pass": bool, "reason": string}</c>, which a constrained model (Strata's
/// engine) is held to. An unreadable verdict fails the check: a grader that cannot say yes has not said yes.
/// </summary>
internal static class Grader
{
    private static readonly JsonElement VerdictSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"pass":{"type":"boolean"},"reason":{"type":"string","maxLength":400}},"required":["pass","reason"],"additionalProperties":false}""")
        .RootElement.Clone();

    /// <summary>Null when the grader passes the answer; else why not.</summary>
    public static async Task<string?> GradeAsync(RunScope scope, string rubric, string answer, CancellationToken cancellationToken)
    {
        var choice = scope.Options.Router.Choose(scope.Contract, scope.Options.Policy);
        scope.Commit([], [LedgerPayload.Record(choice.Route is null ? "grader.route_refused" : "grader.route_chosen", new JsonObject
        {
            ["route"] = choice.Route?.Name,
            ["rubric"] = scope.Content(rubric),
        })]);
        if (choice.Route is null)
        {
            return "no model route is allowed to grade this task";
        }

        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "You grade an answer against a rubric. Reply with JSON: {\"pass\": true or false, \"reason\": \"why\"}."),
            new(ChatRole.User, $"Rubric: {rubric}\n\nAnswer:\n{answer}"),
        };
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(VerdictSchema, "verdict"),
            MaxOutputTokens = scope.Options.MaxOutputTokens ?? 256,
            Seed = scope.Options.Seed,
        };
        var response = await choice.Route.Client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return Verdict(response.Text);
    }

    private static string? Verdict(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var reason = root.TryGetProperty("reason", out var why) && why.ValueKind == JsonValueKind.String ? why.GetString() : "";
            return root.TryGetProperty("pass", out var pass) && pass.ValueKind == JsonValueKind.True
                ? null
                : $"the grader failed the answer: {reason}";
        }
        catch (JsonException error)
        {
            return $"the grader's verdict is not JSON ({error.Message})";
        }
    }
}
