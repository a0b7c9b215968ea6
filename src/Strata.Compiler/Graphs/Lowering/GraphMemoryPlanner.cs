// Pass: one arena for every activation of a graph executable; each value gets an offset by liveness (first fit over freed
// ranges), views share their source's bytes, and element-wise steps write over an input that dies at that step.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>The arena plan: value id → slot, the arena size, and the naive size (every value its own bytes) it is measured against.</summary>
/// <param name="Slots">value id → slot (graph inputs, node outputs; not constants)</param>
/// <param name="ArenaBytes">planned peak</param>
/// <param name="NaiveBytes">sum of every value's capacity</param>
/// <param name="InPlace">steps that write over a dying input</param>
/// <param name="Views">values that share their source's bytes</param>
public sealed record GraphMemoryPlan(IReadOnlyDictionary<int, ValueSlot> Slots, long ArenaBytes, long NaiveBytes, int InPlace, int Views);

/// <summary>Liveness-based arena planner over a graph executable's steps.</summary>
public static class GraphMemoryPlanner
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "plan-memory";

    /// <summary>Slot alignment in bytes (a cache line; AVX-512 loads of a slot start aligned).</summary>
    public const long Alignment = 64;

    /// <summary>Plans the arena for runs within <paramref name="bounds"/>.</summary>
    /// <exception cref="CompileException">a value's size is unknown or unbounded</exception>
    public static GraphMemoryPlan Run(OpGraph graph, IReadOnlyList<GraphStep> steps, CapacityBounds bounds, CompileLog log)
    {
        var root = new Dictionary<int, int>();        // value id → id of the value whose bytes it uses
        var capacity = new Dictionary<int, long>();   // root id → bytes
        var lastUse = new Dictionary<int, int>();     // root id → last step reading it (or any of its views)
        foreach (var input in graph.Inputs)
        {
            root[input.Id] = input.Id;
            capacity[input.Id] = Bytes(input, bounds);
            lastUse[input.Id] = -1;
        }

        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            foreach (var read in step.Reads)
            {
                lastUse[RootOf(root, read.Id)] = s;
            }

            foreach (var write in step.Writes)
            {
                if (step.Kind == StepKind.View)
                {
                    root[write.Id] = RootOf(root, step.Reads[0].Id);
                }
                else
                {
                    root[write.Id] = write.Id;
                    capacity[write.Id] = Bytes(write, bounds);
                    lastUse.TryAdd(write.Id, s);
                }
            }
        }

        foreach (var output in graph.Outputs)
        {
            if (root.TryGetValue(output.Id, out int r))
            {
                lastUse[r] = int.MaxValue;
            }
        }

        var offsets = new Dictionary<int, long>();
        var arena = new FirstFitArena(growsIntoTrailingFree: true);
        long naive = 0;
        int inPlace = 0, views = 0;
        foreach (var input in graph.Inputs)
        {
            offsets[input.Id] = arena.Allocate(capacity[input.Id]);
            naive += capacity[input.Id];
        }

        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            foreach (var write in step.Writes)
            {
                if (root[write.Id] != write.Id)
                {
                    views++;
                    continue;
                }

                naive += capacity[write.Id];
                int reuse = step.Writes.Count == 1 ? InPlaceSource(step, root, capacity, lastUse, s, write) : -1;
                if (reuse >= 0)
                {
                    offsets[write.Id] = offsets[reuse];
                    lastUse[reuse] = -2; // handed over: its bytes are the output's now
                    inPlace++;
                }
                else
                {
                    offsets[write.Id] = arena.Allocate(capacity[write.Id]);
                }
            }

            var released = new HashSet<int>();
            foreach (var read in step.Reads)
            {
                int r = RootOf(root, read.Id);
                if (lastUse[r] == s && released.Add(r))
                {
                    arena.Release(offsets[r], capacity[r]);
                }
            }

            foreach (var write in step.Writes)
            {
                // An output nothing reads dies at once.
                if (root[write.Id] == write.Id && lastUse[write.Id] == s && !released.Contains(write.Id) && !IsRead(step, write.Id, root))
                {
                    arena.Release(offsets[write.Id], capacity[write.Id]);
                }
            }
        }

        var slots = new Dictionary<int, ValueSlot>();
        foreach (var (id, r) in root)
        {
            slots[id] = new ValueSlot(offsets[r], capacity[r]);
        }

        log.Write(Name, $"arena {arena.Size} bytes for {bounds}: planned peak {Percent(arena.Size, naive)} of the naive {naive} bytes "
            + $"({root.Count} values, {views} views sharing bytes, {inPlace} in-place steps)");
        return new GraphMemoryPlan(slots, arena.Size, naive, inPlace, views);
    }

    private static string Percent(long part, long whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:F1}%";

    private static bool IsRead(GraphStep step, int id, Dictionary<int, int> root)
    {
        foreach (var read in step.Reads)
        {
            if (RootOf(root, read.Id) == id)
            {
                return true;
            }
        }

        return false;
    }

    // An element-wise step may write over its first input (or a binary's second) when that input dies here, is not a
    // graph input or a view's source that lives on, and has exactly the output's capacity.
    private static int InPlaceSource(GraphStep step, Dictionary<int, int> root, Dictionary<int, long> capacity, Dictionary<int, int> lastUse,
        int s, TensorValue write)
    {
        if (step.Kind is not (StepKind.Binary or StepKind.Unary or StepKind.Gelu or StepKind.LayerNorm))
        {
            return -1;
        }

        int candidates = step.Kind == StepKind.Binary ? Math.Min(2, step.Reads.Count) : Math.Min(1, step.Reads.Count);
        for (int k = 0; k < candidates; k++)
        {
            var read = step.Reads[k];
            int r = RootOf(root, read.Id);
            bool sameShape = read.Shape is not null && read.Shape.Equals(write.Shape) && read.Type.Size() == write.Type.Size();
            if (r == read.Id && sameShape && lastUse[r] == s && capacity[r] == capacity[write.Id] && CountReads(step, r, root) == 1)
            {
                return r;
            }
        }

        return -1;
    }

    private static int CountReads(GraphStep step, int id, Dictionary<int, int> root)
    {
        int count = 0;
        foreach (var read in step.Reads)
        {
            count += RootOf(root, read.Id) == id ? 1 : 0;
        }

        return count;
    }

    private static int RootOf(Dictionary<int, int> root, int id) =>
        root.TryGetValue(id, out int r) ? r : throw new CompileException($"value %{id} is read before any step writes it");

    private static long Bytes(TensorValue value, CapacityBounds bounds)
    {
        if (value.Shape is null || value.Type.Size() == 0)
        {
            throw new CompileException($"value {value.Name} ({value}) has no known size to plan");
        }

        long bytes = checked(bounds.Bound(value.Shape.ElementCount()) * value.Type.Size());
        return (bytes + Alignment - 1) / Alignment * Alignment;
    }
}
