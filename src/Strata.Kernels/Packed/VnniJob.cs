// Parallel part of the VNNI products: a run of 32-row weight panels against every prepared activation row.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Part index covers panels [index·ChunkPanels, …) of one VNNI-packed matrix (<see cref="VnniPanels"/>). Each panel goes through
/// the activation rows <see cref="VnniPanels.MaxRows"/> at a time while its weights stay in L1/L2; a last panel that runs
/// past the matrix's rows writes into a scratch tile and copies the rows that exist.
/// </summary>
internal unsafe struct VnniJob : IParallelJob
{
    public byte* W;

    /// <summary>The weights' type, whose panel format <see cref="VnniPanels"/> names.</summary>
    public GgmlType Type;
    public int Rows;
    public int Cols;
    public int N;
    public int ChunkPanels;

    /// <summary>The prepared activation rows, <see cref="VnniPanels.RowBytes"/> apart.</summary>
    public byte* Xp;
    public float* Y;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int panels = Q8Vnni.Panels(Rows);
        int p0 = index * ChunkPanels;
        int p1 = Math.Min(panels, p0 + ChunkPanels);
        int maxRows = VnniPanels.MaxRows(Type);
        int nb = VnniPanels.Blocks(Type, Cols);
        nint panelBytes = (nint)nb * VnniPanels.BlockBytes(Type);
        nint xStride = VnniPanels.RowBytes(Type, Cols);
        float* scratch = stackalloc float[Q8Vnni.MaxRows * Q8Vnni.PanelRows];
        for (int p = p0; p < p1; p++)
        {
            byte* w = W + (p * panelBytes);
            int i0 = p * Q8Vnni.PanelRows;
            bool whole = i0 + Q8Vnni.PanelRows <= Rows;
            for (int j = 0; j < N; j += maxRows)
            {
                int rows = Math.Min(maxRows, N - j);
                var kernel = VnniPanels.Kernel(Type, rows);
                if (whole)
                {
                    kernel(w, Xp + (j * xStride), xStride, nb, Y + ((nint)j * Rows) + i0, (nint)Rows * sizeof(float));
                    continue;
                }

                kernel(w, Xp + (j * xStride), xStride, nb, scratch, Q8Vnni.PanelRows * sizeof(float));
                for (int t = 0; t < rows; t++)
                {
                    new ReadOnlySpan<float>(scratch + (t * Q8Vnni.PanelRows), Rows - i0).CopyTo(new Span<float>(Y + ((nint)(j + t) * Rows) + i0, Rows - i0));
                }
            }
        }
    }
}
