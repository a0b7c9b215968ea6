// A tool as the runtime sees it: name, description and schema shown to the model, its declaration, and how to call it.
using System.Text;
using System.Text.Json;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A callable tool. <see cref="Identity"/> hashes what the model and the approver see (name, description,
/// parameter schema) with the declaration, so a tool whose description or schema changes after an approval is
/// a different tool and the approval does not carry over.
/// </summary>
public sealed class AgentTool
{
    private readonly Func<ToolInvocation, CancellationToken, ValueTask<ToolResult>> _invoke;

    /// <summary>Creates a tool.</summary>
    /// <param name="name">Name shown to the model and matched by policy.</param>
    /// <param name="description">Description shown to the model.</param>
    /// <param name="parametersSchema">JSON Schema of its arguments (an object schema).</param>
    /// <param name="declaration">Its governance declaration.</param>
    /// <param name="invoke">Runs one call.</param>
    /// <param name="source">Where it comes from (<c>local</c>, <c>mcp:NAME</c>), recorded in evidence.</param>
    public AgentTool(
        string name,
        string description,
        JsonElement parametersSchema,
        ToolDeclaration declaration,
        Func<ToolInvocation, CancellationToken, ValueTask<ToolResult>> invoke,
        string source = "local")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Description = description;
        ParametersSchema = parametersSchema.Clone();
        Declaration = declaration;
        Source = source;
        _invoke = invoke;
        Identity = IdentityOf(name, description, ParametersSchema, declaration);
    }

    /// <summary>Name shown to the model.</summary>
    public string Name { get; }

    /// <summary>Description shown to the model.</summary>
    public string Description { get; }

    /// <summary>JSON Schema of its arguments.</summary>
    public JsonElement ParametersSchema { get; }

    /// <summary>Its governance declaration.</summary>
    public ToolDeclaration Declaration { get; }

    /// <summary>Where it comes from (<c>local</c>, <c>mcp:NAME</c>).</summary>
    public string Source { get; }

    /// <summary>SHA-256 over name, description, schema and declaration.</summary>
    public string Identity { get; }

    /// <summary>Runs one call.</summary>
    public ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        _invoke(invocation, cancellationToken);

    private static string IdentityOf(string name, string description, JsonElement schema, ToolDeclaration declaration)
    {
        var text = new StringBuilder()
            .Append(name).Append('\n')
            .Append(description).Append('\n')
            .Append(schema.GetRawText()).Append('\n')
            .Append(declaration.Effects).Append('|').Append(declaration.Scope).Append('|')
            .Append(declaration.Idempotent).Append('|').Append(declaration.CompensatingTool).Append('|')
            .Append(declaration.CostPerCall.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToString();
        return EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes(text));
    }
}
