// Parallel job of Attention.RunBatch: one (row, head) pair per part, each computed exactly as Attention.Run computes it.
namespace Strata.Kernels;

/// <summary>Part i handles row i / Heads, query head i % Heads, through <see cref="AttentionJob"/>.</summary>
internal unsafe struct AttentionBatchJob : IParallelJob
{
    public AttentionShape Shape;
    public float* Q;
    public nint QStride;
    public nint* Keys;
    public nint* Values;
    public int* BlockOffsets;
    public int* Tokens;
    public long* ScoreOffsets;
    public float* Scores;
    public float* Output;
    public nint OutputStride;

    public readonly void Execute(int index, int count)
    {
        int row = index / Shape.Heads;
        var job = new AttentionJob
        {
            Shape = Shape,
            Q = Q + (row * QStride),
            Keys = Keys + BlockOffsets[row],
            Values = Values + BlockOffsets[row],
            Tokens = Tokens[row],
            Scores = Scores + ScoreOffsets[row],
            Output = Output + (row * OutputStride),
        };
        job.Execute(index - (row * Shape.Heads), Shape.Heads);
    }
}
