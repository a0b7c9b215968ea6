// Independent check of a memory plan: replays liveness over the steps and asserts no live slots overlap.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;

namespace Strata.Compiler.Tests;

internal static class MemoryPlanChecker
{
    public static long SlotFloats(Value v, int tokens, int outputs) => v.Rows switch
    {
        RowSpace.Tokens => (long)v.Width * tokens,
        RowSpace.Outputs => (long)v.Width * outputs,
        _ => 0,
    };

    /// <summary>At every step, the output slot must not overlap any value still needed later (except an in-place input).</summary>
    public static void AssertSound(Executable exe)
    {
        var nodes = exe.Graph.Nodes;
        var lastUse = new Dictionary<int, int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Inputs)
            {
                lastUse[input.Id] = i;
            }
        }

        lastUse[exe.Graph.Output.Id] = int.MaxValue;
        var live = new Dictionary<int, (long Start, long End)>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var step = exe.Steps[i];
            long size = SlotFloats(node.Output, exe.MaxBatchTokens, exe.MaxOutputRows);
            if (size > 0)
            {
                Assert.InRange(step.Output + size, 1, exe.ArenaFloats);
                foreach (var (id, range) in live)
                {
                    bool inPlaceInput = node.Inputs.Count > 0 && node.Inputs[0].Id == id && node.CanRunInPlace && range.Start == step.Output;
                    bool stillNeeded = lastUse.GetValueOrDefault(id, -1) > i || (lastUse.GetValueOrDefault(id, -1) == i && !inPlaceInput);
                    bool overlaps = step.Output < range.End && range.Start < step.Output + size;
                    Assert.False(stillNeeded && overlaps && !inPlaceInput,
                        $"step {i} ({node.Output.Name}) writes [{step.Output}, {step.Output + size}) over live value {id} [{range.Start}, {range.End})");
                }

                live[node.Output.Id] = (step.Output, step.Output + size);
            }

            foreach (var input in node.Inputs)
            {
                if (lastUse[input.Id] == i)
                {
                    live.Remove(input.Id);
                }
            }
        }
    }
}
