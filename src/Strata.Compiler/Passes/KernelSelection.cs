// Pass (at lowering): for every matrix-product step, the packing of its weight and the kernel of each row-count bucket,
// from the compile options (ISA, numerics, batch invariance, VNNI) and the step's shape and row capacity.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Kernels;

namespace Strata.Compiler.Passes;

/// <summary>Records the kernels each matrix-product step runs, by row-count bucket.</summary>
public static class KernelSelection
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "select-kernels";

    /// <summary>
    /// The plan of every MatMul and MatMulQuantized step of <paramref name="graph"/> (steps in node order); writes one log
    /// line per distinct plan with the number of steps that share it.
    /// </summary>
    public static IReadOnlyList<StepKernels> Run(Graph graph, CompileOptions options, CompileLog log)
    {
        bool avx512 = options.KernelIsa.StartsWith("avx512", StringComparison.Ordinal);
        var plans = new List<StepKernels>();
        var shared = new Dictionary<(OpKind, GgmlType, int, int, int), (Q8Layout?, KernelBucket[])>();
        var lines = new CountedLines();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (node.Op is not (OpKind.MatMul or OpKind.MatMulQuantized or OpKind.ExpertMatMul))
            {
                continue;
            }

            var w = node.Weight!;
            int capacity = node.Output.Rows == RowSpace.Outputs ? options.MaxOutputRows : options.MaxBatchTokens;
            var key = (node.Op, w.Type, w.Rows, w.Cols, capacity);
            if (!shared.TryGetValue(key, out var plan))
            {
                Q8Layout? packing = node.Op == OpKind.MatMulQuantized ? MatMulPlan.Packing(w.Type, w.Cols, options.BatchInvariant, options.Vnni) : null;
                bool halfActivations = options.Mode == NumericMode.QuantizedActivations && options.Vnni;
                plan = (packing, Buckets(PlannedAs(node.Op, w.Type, options.Mode), w, capacity, packing, options.BatchInvariant, avx512, halfActivations));
                shared[key] = plan;
            }

            var step = new StepKernels(i, node.Op, w.Name, w.Type, w.Rows, w.Cols, plan.Item1, plan.Item2);
            plans.Add(step);
            lines.Add($"{node.Op} {w.Type} [{w.Rows}, {w.Cols}]: {step.Describe()}");
        }

        lines.WriteTo(log, Name);

        return plans;
    }

    /// <summary>
    /// The product an expert step plans as: with quantized activations, the integer kernels over unpacked weights (the
    /// runner quantizes each expert's gathered rows); else the f32-activation kernels.
    /// </summary>
    public static OpKind PlannedAs(OpKind op, GgmlType type, NumericMode mode) =>
        op == OpKind.ExpertMatMul && mode == NumericMode.QuantizedActivations && ActivationQuant.FormatFor(type) != GgmlType.F32
            ? OpKind.MatMulQuantized
            : op;

    private static KernelBucket[] Buckets(OpKind op, WeightRef w, int capacity, Q8Layout? packing, bool batchInvariant, bool avx512, bool halfActivations)
    {
        var buckets = new List<KernelBucket>();
        int start = 1;
        MatMulKernel current = Choose(op, w, 1, packing, batchInvariant, avx512, halfActivations);
        for (int n = 2; n <= capacity; n++)
        {
            MatMulKernel next = Choose(op, w, n, packing, batchInvariant, avx512, halfActivations);
            if (next != current)
            {
                buckets.Add(new KernelBucket(start, n - 1, current));
                (start, current) = (n, next);
            }
        }

        buckets.Add(new KernelBucket(start, capacity, current));
        return [.. buckets];
    }

    private static MatMulKernel Choose(OpKind op, WeightRef w, int n, Q8Layout? packing, bool batchInvariant, bool avx512, bool halfActivations) =>
        op is OpKind.MatMul or OpKind.ExpertMatMul
            ? MatMulPlan.Exact(w.Type, w.Rows, w.Cols, n, batchInvariant, avx512, halfActivations)
            : MatMulPlan.Quantized(w.Type, w.Cols, n, batchInvariant, packing, avx512);
}
