// Local C# functions as governed tools: any Microsoft.Extensions.AI AIFunction, given a declaration.
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>Wraps <see cref="AIFunction"/>s as <see cref="AgentTool"/>s.</summary>
public static class LocalTools
{
    /// <summary>Key of <see cref="AIFunctionArguments.Context"/> under which a function finds its call's idempotency key.</summary>
    public const string IdempotencyKeyContext = "strata.idempotency_key";

    /// <summary>A tool that calls <paramref name="function"/>; its result is serialized as JSON unless it is a string.</summary>
    public static AgentTool FromFunction(AIFunction function, ToolDeclaration declaration) =>
        new(function.Name, function.Description, function.JsonSchema, declaration, async (invocation, cancellationToken) =>
        {
            var arguments = new AIFunctionArguments(ToolArguments.AsDictionary(invocation.Arguments))
            {
                Context = new Dictionary<object, object?> { [IdempotencyKeyContext] = invocation.IdempotencyKey },
            };
            var result = await function.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
            return new ToolResult(result switch
            {
                null => "",
                string text => text,
                JsonElement element => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(),
                _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
            });
        });
}
