// Parallel part of the VNNI Q8_0 product: a run of 32-row weight panels against every prepared activation row.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Part index covers panels [index·ChunkPanels, …) of one <see cref="Q8Vnni"/>-packed matrix. Each panel goes through
/// the activation rows <see cref="Q8Vnni.MaxRows"/> at a time while its weights stay in L1/L2; a last panel that runs
/// past the matrix's rows writes into a scratch tile and copies the rows that exist.
/// </summary>
internal unsafe struct VnniJob : IParallelJob
{
    public byte* W;

    /// <summary>The weights' type: Q8_0 (<see cref="Q8Vnni"/>'s panels) or Q4_0/Q5_0 (<see cref="Q4Vnni"/>'s).</summary>
    public GgmlType Type;
    public int Rows;
    public int Nb;
    public int N;
    public int ChunkPanels;
    public byte* Xp;
    public float* Y;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int panels = Q8Vnni.Panels(Rows);
        int p0 = index * ChunkPanels;
        int p1 = Math.Min(panels, p0 + ChunkPanels);
        bool q8 = Type == GgmlType.Q8_0;
        int maxRows = q8 ? Q8Vnni.MaxRows : Q4Vnni.MaxRows;
        nint panelBytes = (nint)Nb * (q8 ? Q8Vnni.PanelBlockBytes : Q4Vnni.BlockBytes(Type));
        nint xStride = Q8Vnni.RowBytes(Nb * 32);
        float* scratch = stackalloc float[Q8Vnni.MaxRows * Q8Vnni.PanelRows];
        for (int p = p0; p < p1; p++)
        {
            byte* w = W + (p * panelBytes);
            int i0 = p * Q8Vnni.PanelRows;
            bool whole = i0 + Q8Vnni.PanelRows <= Rows;
            for (int j = 0; j < N; j += maxRows)
            {
                int rows = Math.Min(maxRows, N - j);
                var kernel = q8 ? Q8Vnni.Kernel(rows) : Q4Vnni.Kernel(rows, Type == GgmlType.Q5_0);
                if (whole)
                {
                    kernel(w, Xp + (j * xStride), xStride, Nb, Y + ((nint)j * Rows) + i0, (nint)Rows * sizeof(float));
                    continue;
                }

                kernel(w, Xp + (j * xStride), xStride, Nb, scratch, Q8Vnni.PanelRows * sizeof(float));
                for (int t = 0; t < rows; t++)
                {
                    new ReadOnlySpan<float>(scratch + (t * Q8Vnni.PanelRows), Rows - i0).CopyTo(new Span<float>(Y + ((nint)(j + t) * Rows) + i0, Rows - i0));
                }
            }
        }
    }
}
