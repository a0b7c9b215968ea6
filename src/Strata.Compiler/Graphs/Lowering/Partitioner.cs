// Pass: give each node a Strata kernel where one runs it, and group the others into partitions for the foreign runtime,
// saying in the log which operators fell back and why; with fallback refused, a node without a kernel fails the compile.
using System.Text;

namespace Strata.Compiler.Graphs.Lowering;

/// <summary>The steps of the executable and the foreign partitions.</summary>
/// <param name="Steps">kernel calls in order</param>
/// <param name="Partitions">partitions, by index</param>
public sealed record PartitionResult(IReadOnlyList<GraphStep> Steps, IReadOnlyList<ForeignPartition> Partitions);

/// <summary>Splits a graph between Strata kernels and a foreign runtime (ONNX Runtime).</summary>
public static class Partitioner
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "partition";

    /// <summary>Assigns kernels; groups consecutive nodes without one into partitions.</summary>
    /// <exception cref="CompileException">a node has no kernel and fallback is refused</exception>
    public static PartitionResult Run(OpGraph graph, bool allowFallback, CompileLog log)
    {
        var kinds = new StepKind?[graph.Nodes.Count];
        var refused = new StringBuilder();
        int unsupported = 0;
        for (int i = 0; i < kinds.Length; i++)
        {
            kinds[i] = KernelSupport.Kind(graph, graph.Nodes[i], out string reason);
            if (kinds[i] is null)
            {
                unsupported++;
                var node = graph.Nodes[i];
                refused.Append(refused.Length == 0 ? string.Empty : "; ").Append($"{Qualified(node)} (node '{node.Name}'): {reason}");
            }
        }

        if (unsupported > 0 && !allowFallback)
        {
            throw new CompileException($"fallback refused: {unsupported} node(s) have no Strata kernel: {refused}");
        }

        var readers = LastReaders(graph);
        var steps = new List<GraphStep>();
        var partitions = new List<ForeignPartition>();
        for (int i = 0; i < kinds.Length;)
        {
            var node = graph.Nodes[i];
            if (kinds[i] is { } kind)
            {
                steps.Add(new GraphStep(kind, node, -1, NonConstantInputs(graph, node), node.Outputs));
                i++;
                continue;
            }

            int end = i;
            while (end < kinds.Length && kinds[end] is null)
            {
                end++;
            }

            var partition = Build(graph, i, end, partitions.Count, readers);
            partitions.Add(partition);
            steps.Add(new GraphStep(StepKind.Foreign, node, partition.Index, partition.Inputs, partition.Outputs));
            log.Write(Name, $"partition {partition.Index} → foreign runtime: {partition.NodeCount} node(s) [{string.Join(", ", partition.Operators)}], "
                + $"{partition.Inputs.Count} input(s), {partition.Outputs.Count} output(s)");
            i = end;
        }

        log.Write(Name, unsupported == 0
            ? $"all {graph.Nodes.Count} nodes run on Strata kernels; no fallback"
            : $"{graph.Nodes.Count - unsupported} nodes on Strata kernels, {unsupported} in {partitions.Count} foreign partition(s): {refused}");
        return new PartitionResult(steps, partitions);
    }

    /// <summary>
    /// The runs of consecutive nodes without a Strata kernel as partitions that expose every value their nodes produce, so
    /// that loading one asks the foreign runtime for all their types (a node after a foreign one lacks a kernel only until
    /// its input's shape is known). Nothing is logged; the partitions are for probing, not for running.
    /// </summary>
    public static IReadOnlyList<ForeignPartition> Probe(OpGraph graph)
    {
        var partitions = new List<ForeignPartition>();
        for (int i = 0; i < graph.Nodes.Count;)
        {
            if (KernelSupport.Kind(graph, graph.Nodes[i], out _) is not null)
            {
                i++;
                continue;
            }

            int end = i + 1;
            while (end < graph.Nodes.Count && KernelSupport.Kind(graph, graph.Nodes[end], out _) is null)
            {
                end++;
            }

            partitions.Add(Build(graph, i, end, partitions.Count, lastReaders: null));
            i = end;
        }

        return partitions;
    }

    private static string Qualified(OpNode node) => node.Domain.Length == 0 || node.Domain == "ai.onnx" ? node.Op : $"{node.Domain}.{node.Op}";

    private static List<TensorValue> NonConstantInputs(OpGraph graph, OpNode node)
    {
        var reads = new List<TensorValue>();
        foreach (var input in node.Inputs)
        {
            if (input is not null && !graph.Constants.ContainsKey(input.Id))
            {
                reads.Add(input);
            }
        }

        return reads;
    }

    // value id → index of the last node reading it (int.MaxValue for graph outputs)
    private static Dictionary<int, int> LastReaders(OpGraph graph)
    {
        var last = new Dictionary<int, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            foreach (var input in graph.Nodes[i].Inputs)
            {
                if (input is not null)
                {
                    last[input.Id] = i;
                }
            }
        }

        foreach (var output in graph.Outputs)
        {
            last[output.Id] = int.MaxValue;
        }

        return last;
    }

    // A partition of nodes [start, end); its outputs are the values read after it (every value its nodes produce when
    // lastReaders is null).
    private static ForeignPartition Build(OpGraph graph, int start, int end, int index, Dictionary<int, int>? lastReaders)
    {
        var nodes = new List<OpNode>();
        var produced = new HashSet<int>();
        var inputs = new List<TensorValue>();
        var seen = new HashSet<int>();
        var operators = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = start; i < end; i++)
        {
            var node = graph.Nodes[i];
            nodes.Add(node);
            operators.Add(Qualified(node));
            foreach (var input in node.Inputs)
            {
                if (input is not null && !produced.Contains(input.Id) && !graph.Constants.ContainsKey(input.Id) && seen.Add(input.Id))
                {
                    inputs.Add(input);
                }
            }

            foreach (var output in node.Outputs)
            {
                produced.Add(output.Id);
            }
        }

        var outputs = new List<TensorValue>();
        foreach (var node in nodes)
        {
            foreach (var output in node.Outputs)
            {
                if (lastReaders is null || (lastReaders.TryGetValue(output.Id, out int reader) && reader >= end))
                {
                    outputs.Add(output);
                }
            }
        }

        byte[] model = PartitionModelWriter.Write(graph, nodes, inputs, outputs, $"{graph.Name}.partition{index}");
        return new ForeignPartition(index, model, inputs, outputs, [.. operators], nodes.Count);
    }
}
