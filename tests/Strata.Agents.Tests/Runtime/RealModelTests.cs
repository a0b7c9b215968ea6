// A real model drives a task: Strata's in-process engine, its tool calls held to the tools' schemas by the grammar.
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Engine;

namespace Strata.Agents.Tests.Runtime;

public sealed class RealModelTests
{
    private const string Policy = """
        {"version": 1, "rules": [
          {"id": "in-process-models", "target": "route", "localities": ["in_process"], "decision": "allow"},
          {"id": "notes", "target": "tool", "tools": ["record_note"], "decision": "allow"},
          {"id": "small-payments", "target": "tool", "tools": ["pay"], "arguments": [{"path": "amount", "max": 100}], "decision": "allow"},
          {"id": "large-payments", "target": "tool", "tools": ["pay"], "decision": "deny"}
        ]}
        """;

    [Fact]
    public async Task Run_RandomWeightModelWithRequiredCalls_CompletesUnderPolicy()
    {
        using var bed = new AgentTestBed(Policy);
        var notes = new List<string>();
        var payments = new List<long>();
        bed.ExtraTools.Add(LocalTools.FromFunction(new BoundedFunction("record_note", "Records a short note.",
            """{"type":"object","properties":{"note":{"type":"string","maxLength":12}},"required":["note"],"additionalProperties":false}""",
            a => notes.Add(a.GetProperty("note").GetString()!)), new ToolDeclaration { Effects = ToolEffects.Write, Idempotent = true }));
        bed.ExtraTools.Add(LocalTools.FromFunction(new BoundedFunction("pay", "Pays an amount.",
            """{"type":"object","properties":{"amount":{"type":"integer","minimum":0,"maximum":1000}},"required":["amount"],"additionalProperties":false}""",
            a => payments.Add(a.GetProperty("amount").GetInt64())), new ToolDeclaration { Effects = ToolEffects.Spend, Idempotent = false }));

        // llama-2-tiny-random: random weights, Llama 2's vocabulary; only the grammar makes its calls valid.
        using var engine = new StrataChatClient(Strata.Engine.Tests.SharedModels.File("llama-2-tiny-random.gguf"), new StrataChatClientOptions { Threads = 2, MaxConcurrent = 1 });
        var runtime = new AgentRuntime(bed.Runtime([new ModelRoute("local", RouteLocality.InProcess, engine, "llama-2-tiny-random.gguf")]).Options with
        {
            RequireToolCalls = true,
            MaxOutputTokens = 96,
            Seed = 8, // a seed whose run both meets the policy's deny rule and completes calls before answering
        });
        var id = runtime.Submit(bed.Contract("record_note", "pay") with { Budgets = new TaskBudgets { MaxSteps = 40 } });
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        var toolSteps = bed.Store.Steps(id).Where(s => s.Kind == StepKind.Tool).ToList();
        Assert.True(toolSteps.Count >= 3, $"{toolSteps.Count} tool steps");
        Assert.Contains(toolSteps, s => s.Status == StepStatus.Denied);
        Assert.Contains(toolSteps, s => s.Status == StepStatus.Completed);
        foreach (var step in toolSteps)
        {
            var arguments = JsonDocument.Parse(bed.Store.FindBlob(step.ArgumentsHash!)!).RootElement;
            Assert.Equal(JsonValueKind.Object, arguments.ValueKind);
            Assert.True(step.Name is "record_note" or "pay", step.Name);
            if (step.Name == "pay" && arguments.GetProperty("amount").GetInt64() > 100)
            {
                Assert.Equal(StepStatus.Denied, step.Status);
                Assert.Equal("large-payments", step.Detail);
            }
            else
            {
                Assert.Equal(StepStatus.Completed, step.Status);
            }
        }

        Assert.All(payments, amount => Assert.InRange(amount, 0, 100));
        Assert.Equal(toolSteps.Count(s => s.Status == StepStatus.Completed), notes.Count + payments.Count);
        Assert.True(Evidence.Ledger.LedgerChain.Verify(id, bed.Store.Ledger(id)).Intact);
        Assert.All(bed.Store.Ledger(id).Where(e => e.Kind == "model.completed"),
            e => Assert.Contains("\"strata_stop_reason\"", e.PayloadJson, StringComparison.Ordinal));
    }

    private sealed class BoundedFunction(string name, string description, string schema, Action<JsonElement> record) : AIFunction
    {
        private readonly JsonElement _schema = JsonDocument.Parse(schema).RootElement.Clone();

        public override string Name => name;

        public override string Description => description;

        public override JsonElement JsonSchema => _schema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            record(JsonSerializer.SerializeToElement(arguments.ToDictionary(p => p.Key, p => p.Value)));
            return ValueTask.FromResult<object?>("done");
        }
    }
}
