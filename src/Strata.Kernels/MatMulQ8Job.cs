// Parallel part of MatMulQ8: one chunk of weight rows against every quantized activation row.
namespace Strata.Kernels;

/// <summary>Part index covers weight rows [index·ChunkRows, …).</summary>
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

    public readonly void Execute(int index, int count)
    {
        int r0 = index * ChunkRows;
        int r1 = Math.Min(Rows, r0 + ChunkRows);
        for (int r = r0; r < r1; r++)
        {
            var row = new ReadOnlySpan<byte>(W + (r * RowBytes), (int)RowBytes);
            for (int j = 0; j < N; j++)
            {
                var x = new ReadOnlySpan<byte>(X + (j * XRowBytes), (int)XRowBytes);
                Y[((nint)j * Rows) + r] = QuantDotReference.Dot(Type, row, x, Cols);
            }
        }
    }
}
