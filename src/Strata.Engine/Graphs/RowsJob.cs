// Row-parallel element work of the graph runner: bias and activation after a matrix product, layer norm, GELU.
using Strata.Kernels;

namespace Strata.Engine.Graphs;

/// <summary>What a <see cref="RowsJob"/> does to each row.</summary>
internal enum RowOp
{
    BiasActivation,
    LayerNorm,
    Gelu,
}

/// <summary>An activation applied after a Dense step's bias.</summary>
internal enum RowActivation
{
    None,
    Gelu,
    GeluTanh,
    Relu,
    Tanh,
}

/// <summary>Rows split into chunks across the pool; each chunk applies <see cref="RowOp"/> to its rows.</summary>
internal readonly unsafe struct RowsJob(RowOp op, float* x, float* y, float* bias, float* scale, int rows, int width, RowActivation activation,
    float epsilon, int chunkRows) : IParallelJob
{
    /// <summary>Elements in all (Gelu splits elements rather than rows).</summary>
    public long Total { get; init; }

    /// <summary>Parts to run.</summary>
    public int Parts => (rows + chunkRows - 1) / chunkRows;

    public void Execute(int index, int count)
    {
        int first = index * chunkRows, end = Math.Min(rows, first + chunkRows);
        switch (op)
        {
            case RowOp.BiasActivation:
                for (int r = first; r < end; r++)
                {
                    var row = new Span<float>(x + ((long)r * width), width);
                    if (bias is not null)
                    {
                        VectorOps.Add(row, new ReadOnlySpan<float>(bias, width));
                    }

                    Activate(row, activation);
                }

                break;
            case RowOp.LayerNorm:
                var zero = bias is null ? stackalloc float[width] : default;
                for (int r = first; r < end; r++)
                {
                    LayerNorm.Apply(new ReadOnlySpan<float>(x + ((long)r * width), width), new ReadOnlySpan<float>(scale, width),
                        bias is null ? zero : new ReadOnlySpan<float>(bias, width), epsilon, new Span<float>(y + ((long)r * width), width));
                }

                break;
            default:
                long from = Total * first / rows, to = Total * end / rows;
                Activations.GeluErf(new Span<float>(y + from, (int)(to - from)));
                break;
        }
    }

    private static void Activate(Span<float> row, RowActivation activation)
    {
        switch (activation)
        {
            case RowActivation.Gelu:
                Activations.GeluErf(row);
                break;
            case RowActivation.Relu:
                foreach (ref float v in row)
                {
                    v = MathF.Max(v, 0);
                }

                break;
            case RowActivation.Tanh:
                foreach (ref float v in row)
                {
                    v = MathF.Tanh(v);
                }

                break;
            case RowActivation.GeluTanh:
                foreach (ref float v in row)
                {
                    v = 0.5f * v * (1f + MathF.Tanh(0.7978845608f * (v + (0.044715f * v * v * v))));
                }

                break;
        }
    }
}
