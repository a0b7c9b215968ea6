// Pass: give every activation a slot in one f32 arena by liveness; element-wise ops reuse a dying input's slot.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Passes;

/// <summary>Arena offsets (in floats) per value id, and the arena size.</summary>
/// <param name="OffsetByValue">value id → first float of its [rows, width] slot (-1 for RowSpace.None)</param>
/// <param name="ArenaFloats">total floats</param>
/// <param name="InPlaceCount">nodes that run in their input's slot</param>
public sealed record MemoryPlan(IReadOnlyDictionary<int, long> OffsetByValue, long ArenaFloats, int InPlaceCount);

/// <summary>Liveness-based first-fit planner over one arena.</summary>
public static class MemoryPlanner
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "plan-memory";

    /// <summary>Plans slots for a batch of up to maxTokens token rows and maxOutputs output rows.</summary>
    public static MemoryPlan Run(Graph graph, int maxTokens, int maxOutputs, CompileLog log)
    {
        var lastUse = new Dictionary<int, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            foreach (var input in graph.Nodes[i].Inputs)
            {
                lastUse[input.Id] = i;
            }
        }

        lastUse[graph.Output.Id] = int.MaxValue;
        var offsets = new Dictionary<int, long>();
        var arena = new FirstFitArena(growsIntoTrailingFree: false);
        int inPlace = 0;
        long naive = 0;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            var output = node.Output;
            long floats = SlotFloats(output, maxTokens, maxOutputs);
            naive += floats;
            if (output.Rows == RowSpace.None)
            {
                offsets[output.Id] = -1;
            }
            else if (node.CanRunInPlace && node.Inputs[0].Rows == output.Rows && node.Inputs[0].Width == output.Width
                     && lastUse.GetValueOrDefault(node.Inputs[0].Id) == i)
            {
                offsets[output.Id] = offsets[node.Inputs[0].Id];
                inPlace++;
            }
            else
            {
                offsets[output.Id] = arena.Allocate(floats);
            }

            for (int k = 0; k < node.Inputs.Count; k++)
            {
                var input = node.Inputs[k];
                bool duplicate = FirstIndexOf(node.Inputs, input.Id) != k;
                bool sharedWithOutput = offsets[input.Id] == offsets[output.Id];
                if (lastUse[input.Id] == i && input.Rows != RowSpace.None && !sharedWithOutput && !duplicate)
                {
                    arena.Release(offsets[input.Id], SlotFloats(input, maxTokens, maxOutputs));
                }
            }
        }

        log.Write(Name, $"arena {arena.Size} floats ({arena.Size * 4} bytes) for {maxTokens} token rows / {maxOutputs} output rows; "
            + $"{naive * 4} bytes without reuse; {inPlace} in-place nodes");
        return new MemoryPlan(offsets, arena.Size, inPlace);
    }

    private static int FirstIndexOf(IReadOnlyList<Value> values, int id)
    {
        for (int k = 0; k < values.Count; k++)
        {
            if (values[k].Id == id)
            {
                return k;
            }
        }

        return -1;
    }

    private static long SlotFloats(Value v, int maxTokens, int maxOutputs) => v.Rows switch
    {
        RowSpace.Tokens => (long)v.Width * maxTokens,
        RowSpace.Outputs => (long)v.Width * maxOutputs,
        _ => 0,
    };
}
