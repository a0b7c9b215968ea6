// The weight matrix a row-chunked matmul job reads and how its rows split into pool parts: the fields both matmul jobs begin with.
namespace Strata.Kernels;

/// <summary>
/// Part index of a <see cref="MatMulJob"/> or <see cref="MatMulInt8Job"/> covers weight rows [index·ChunkRows, …) of the
/// matrix at W against N activation rows. Held as the jobs' first field, so their layout and loads are those of the fields
/// written out in each job.
/// </summary>
internal unsafe struct MatrixRows
{
    public byte* W;
    public nint RowBytes;
    public GgmlType Type;
    public int Rows;
    public int Cols;
    public int N;
    public int ChunkRows;

    /// <summary>Matrix w against n activation rows, chunkRows weight rows per part.</summary>
    public static MatrixRows For(in WeightMatrix w, int n, int chunkRows) => new()
    {
        W = (byte*)w.Data,
        RowBytes = (nint)GgmlTypeInfo.RowBytes(w.Type, w.Cols),
        Type = w.Type,
        Rows = w.Rows,
        Cols = w.Cols,
        N = n,
        ChunkRows = chunkRows,
    };
}
