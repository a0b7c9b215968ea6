// Expert products of a mixture-of-experts step, batched by expert: gather each expert's routed rows, multiply, scatter back.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Kernels;

namespace Strata.Engine.Runtime;

/// <summary>
/// The runner's ExpertMatMul: the (row, slot) pairs routed to each expert are gathered (the row, or its slot when the input
/// holds a row per slot), multiplied by that expert's matrix with the kernel planned for that many rows (with quantized
/// activations: the gathered rows quantized, then the integer kernels, as llama.cpp's mul_mat_id), and scattered back to their
/// slots. A pair's result does not depend on the others where the plan is batch-invariant. Scratch is sized once from the
/// executable; a run allocates nothing.
/// </summary>
internal sealed class ExpertProducts
{
    private readonly float[] _input;     // (MaxBatchTokens, widest expert input) one expert's gathered rows
    private readonly float[] _output;    // (MaxBatchTokens, widest expert output)
    private readonly int[] _order;       // (MaxBatchTokens · used) row · used + slot, grouped by expert
    private readonly int[] _starts;      // (experts + 1) where each expert's entries start in _order
    private readonly byte[] _quantized;  // (MaxBatchTokens, widest quantized row) the gathered rows for integer products

    private ExpertProducts(float[] input, float[] output, int[] order, int[] starts, byte[] quantized) =>
        (_input, _output, _order, _starts, _quantized) = (input, output, order, starts, quantized);

    /// <summary>Scratch for <paramref name="exe"/>'s expert steps (empty when it has none).</summary>
    public static ExpertProducts For(Executable exe)
    {
        int input = 0, output = 0, slots = 0, experts = 0;
        long quantized = 0;
        foreach (var step in exe.Steps)
        {
            if (step.Op == OpKind.ExpertMatMul)
            {
                var w = exe.Weights[step.WeightIndex];
                (input, output) = (Math.Max(input, w.Cols), Math.Max(output, w.Rows));
                (slots, experts) = (Math.Max(slots, step.Attributes.ExpertsUsed), Math.Max(experts, w.Slices));
                quantized = Math.Max(quantized, ActivationQuant.FormatFor(w.Type) == GgmlType.F32 ? 0 : ActivationQuant.RowBytes(w.Type, w.Cols));
            }
        }

        return experts == 0 ? new([], [], [], [], [])
            : new(new float[(long)exe.MaxBatchTokens * input], new float[(long)exe.MaxBatchTokens * output], new int[exe.MaxBatchTokens * slots],
                new int[experts + 1], exe.Options.Mode == NumericMode.QuantizedActivations ? new byte[exe.MaxBatchTokens * quantized] : []);
    }

    /// <summary>
    /// output[r] slot j = input[r] (or its slot j) · expert(route[r], j)ᵀ for <paramref name="rows"/> rows; <paramref name="w"/> is
    /// expert 0's matrix, the others follow it in the tensor.
    /// </summary>
    public void Run(WorkerPool pool, in WeightMatrix w, int experts, int used, bool integer, ReadOnlySpan<float> input, int inputWidth,
        ReadOnlySpan<float> route, int rows, Span<float> output, int outputWidth, KernelBucket[] kernels)
    {
        bool perSlot = inputWidth == used * w.Cols;
        ExpertRouting.Group(route, rows, used, experts, _order, _starts);
        long slice = w.Rows * GgmlTypeInfo.RowBytes(w.Type, w.Cols);
        for (int e = 0; e < experts; e++)
        {
            int first = _starts[e];
            int n = _starts[e + 1] - first;
            if (n == 0)
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                int pair = _order[first + i];
                var source = input.Slice(pair / used * inputWidth, inputWidth);
                (perSlot ? source.Slice(pair % used * w.Cols, w.Cols) : source).CopyTo(_input.AsSpan(i * w.Cols, w.Cols));
            }

            var matrix = w with { Data = w.Data + (nint)(e * slice) };
            var kernel = ExecutableRunner.Lookup(kernels, n) ?? throw new InvalidOperationException($"no expert kernel planned for {n} rows");
            if (integer)
            {
                var rows8 = _quantized.AsSpan(0, (int)(n * ActivationQuant.RowBytes(w.Type, w.Cols)));
                ActivationQuant.QuantizeRows(w.Type, _input.AsSpan(0, n * w.Cols), n, w.Cols, rows8);
                MatMulInt8.Run(pool, in matrix, rows8, n, _output.AsSpan(0, n * w.Rows), kernel);
            }
            else
            {
                MatMul.Run(pool, in matrix, _input.AsSpan(0, n * w.Cols), n, _output.AsSpan(0, n * w.Rows), kernel);
            }

            for (int i = 0; i < n; i++)
            {
                int pair = _order[first + i];
                _output.AsSpan(i * w.Rows, w.Rows).CopyTo(output.Slice((pair / used * outputWidth) + (pair % used * w.Rows), w.Rows));
            }
        }
    }
}
