// Parallel part of MatMulQ8: one chunk of weight rows against every quantized activation row.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Part index covers weight rows [index·ChunkRows, …). For N &gt; 1 the rows go in tiles of <see cref="Tile"/>, each tile
/// dotted with every activation row while its weights stay in L1.
/// </summary>
internal unsafe struct MatMulQ8Job : IParallelJob
{
    public byte* W;
    public nint RowBytes;
    public GgmlType Type;
    public int Rows;
    public int Cols;
    public int N;
    public int ChunkRows;
    public byte* X;
    public nint XRowBytes;
    public float* Y;

    /// <summary>Row dot kernel from <see cref="IntDotKernels.Kernel"/>, hoisted out of the loops.</summary>
    public delegate*<byte*, byte*, int, float> Dot;

    public const int Tile = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int r0 = index * ChunkRows;
        int r1 = Math.Min(Rows, r0 + ChunkRows);
        if (N == 1)
        {
            byte* w = W + (r0 * RowBytes);
            for (int r = r0; r < r1; r++, w += RowBytes)
            {
                Y[r] = Dot(w, X, Cols);
            }

            return;
        }

        for (int r = r0; r < r1; r += Tile)
        {
            int rows = Math.Min(Tile, r1 - r);
            for (int j = 0; j < N; j++)
            {
                byte* x = X + (j * XRowBytes);
                float* y = Y + ((nint)j * Rows) + r;
                for (int t = 0; t < rows; t++)
                {
                    y[t] = Dot(W + ((r + t) * RowBytes), x, Cols);
                }
            }
        }
    }
}
