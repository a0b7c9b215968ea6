// Pass (at lowering): groups up to three consecutive matrix products over one input (a layer's Q/K/V, its gate/up), and
// for each row count says whether the group runs as one pool job, from the kernels select-kernels chose for its members.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Kernels;

namespace Strata.Compiler.Passes;

/// <summary>Plans which consecutive matrix products share one pool job, by row-count bucket.</summary>
public static class ProductGrouping
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "group-products";

    /// <summary>Most products one group joins (a layer's Q, K and V).</summary>
    public const int MaxMembers = 3;

    /// <summary>
    /// The groups of <paramref name="graph"/>'s nodes (steps in node order), from the per-step plans of
    /// <see cref="KernelSelection"/>: members are consecutive products of one op over the same input value, weight type and
    /// width. A row count is joint where every member takes the same kernel and that kernel joins matrices
    /// (<see cref="MatMulPlan.Joins"/>). Writes one log line per distinct plan with the number of groups that share it.
    /// </summary>
    public static IReadOnlyList<StepGroup> Run(Graph graph, IReadOnlyList<StepKernels> kernels, CompileOptions options, CompileLog log)
    {
        var byStep = new Dictionary<int, StepKernels>();
        foreach (var k in kernels)
        {
            byStep[k.Step] = k;
        }

        var groups = new List<StepGroup>();
        var lines = new CountedLines();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            int count = Members(graph, i);
            if (count < 2)
            {
                continue;
            }

            var plans = new StepKernels[count];
            var names = new string[count];
            for (int k = 0; k < count; k++)
            {
                plans[k] = byStep[i + k];
                names[k] = ShortName(plans[k].Weight);
            }

            var node = graph.Nodes[i];
            int capacity = node.Output.Rows == RowSpace.Outputs ? options.MaxOutputRows : options.MaxBatchTokens;
            var group = new StepGroup(i, count, names, Joint(plans, capacity));
            groups.Add(group);
            lines.Add($"{node.Op} {node.Weight!.Type} {group.Describe()}");
            i += count - 1;
        }

        lines.WriteTo(log, Name);

        return groups;
    }

    // How many products from node i on share its op, input, weight type and width (1 when it heads no group).
    private static int Members(Graph graph, int i)
    {
        var a = graph.Nodes[i];
        if (a.Op is not (OpKind.MatMul or OpKind.MatMulQuantized))
        {
            return 1;
        }

        int n = 1;
        while (n < MaxMembers && i + n < graph.Nodes.Count)
        {
            var b = graph.Nodes[i + n];
            if (b.Op != a.Op || b.Inputs[0].Id != a.Inputs[0].Id || b.Output.Rows != a.Output.Rows
                || b.Weight!.Type != a.Weight!.Type || b.Weight.Cols != a.Weight.Cols)
            {
                break;
            }

            n++;
        }

        return n;
    }

    private static KernelBucket[] Joint(StepKernels[] plans, int capacity)
    {
        var joint = new List<KernelBucket>();
        int start = 0;
        MatMulKernel? current = null;
        for (int n = 1; n <= capacity + 1; n++)
        {
            MatMulKernel? next = n <= capacity ? JointKernel(plans, n) : null;
            if (next == current)
            {
                continue;
            }

            if (current is { } k)
            {
                joint.Add(new KernelBucket(start, n - 1, k));
            }

            (start, current) = (n, next);
        }

        return [.. joint];
    }

    private static MatMulKernel? JointKernel(StepKernels[] plans, int n)
    {
        MatMulKernel kernel = plans[0].KernelFor(n);
        for (int k = 1; k < plans.Length; k++)
        {
            if (plans[k].KernelFor(n) != kernel)
            {
                return null;
            }
        }

        return MatMulPlan.Joins(kernel, n) ? kernel : null;
    }

    // "blk.0.attn_q.weight" → "attn_q": the log and evidence name the role, not the layer.
    private static string ShortName(string weight)
    {
        string name = weight.EndsWith(".weight", StringComparison.Ordinal) ? weight[..^".weight".Length] : weight;
        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }
}
