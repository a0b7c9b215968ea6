// Parallel job of Attention.RunBatch: one (row, head) pair per part, each computed exactly as Attention.Run computes it.
namespace Strata.Kernels;

/// <summary>
/// Part i handles row i / (Heads / Group), query heads Group · (i % (Heads / Group)) and the Group − 1 after them, which
/// share one KV head, through <see cref="AttentionJob.Heads"/>.
/// </summary>
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

    /// <summary>Query heads per part: 1, or Heads / KvHeads (a part per KV head).</summary>
    public int Group;

    public readonly void Execute(int index, int count)
    {
        int parts = Shape.Heads / Group;
        int row = index / parts;
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
        job.SkipBlocksBeforeWindow();
        job.Heads((index - (row * parts)) * Group, Group);
    }
}
