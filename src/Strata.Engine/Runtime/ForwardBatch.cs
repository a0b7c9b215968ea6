// The rows one run of the executable processes: token, position and sequence per row, and which rows want logits.
using Strata.Engine.KvCache;

namespace Strata.Engine.Runtime;

/// <summary>A reusable batch (capacity fixed at construction; filling it allocates nothing).</summary>
public sealed class ForwardBatch
{
    private readonly int[] _tokens;
    private readonly int[] _positions;
    private readonly SequenceKv?[] _sequences;
    private readonly int[] _outputRows;

    /// <summary>Creates a batch of up to <paramref name="maxTokens"/> rows.</summary>
    public ForwardBatch(int maxTokens, int maxOutputs)
    {
        _tokens = new int[maxTokens];
        _positions = new int[maxTokens];
        _sequences = new SequenceKv?[maxTokens];
        _outputRows = new int[maxOutputs];
    }

    /// <summary>Rows filled.</summary>
    public int TokenCount { get; private set; }

    /// <summary>Rows that produce logits.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Row capacity.</summary>
    public int Capacity => _tokens.Length;

    /// <summary>Token id per row.</summary>
    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, TokenCount);

    /// <summary>Position per row.</summary>
    public ReadOnlySpan<int> Positions => _positions.AsSpan(0, TokenCount);

    /// <summary>Indices of rows that produce logits, in output order.</summary>
    public ReadOnlySpan<int> OutputRows => _outputRows.AsSpan(0, OutputCount);

    /// <summary>The sequence of row <paramref name="row"/>.</summary>
    public SequenceKv Sequence(int row) => _sequences[row]!;

    /// <summary>Empties the batch.</summary>
    public void Clear()
    {
        Array.Clear(_sequences, 0, TokenCount);
        TokenCount = 0;
        OutputCount = 0;
    }

    /// <summary>Appends a row; returns its output index when it wants logits, else -1.</summary>
    public int Add(int token, int position, SequenceKv sequence, bool wantsLogits)
    {
        if (TokenCount == _tokens.Length || (wantsLogits && OutputCount == _outputRows.Length))
        {
            throw new InvalidOperationException($"batch is full ({_tokens.Length} rows, {_outputRows.Length} outputs)");
        }

        _tokens[TokenCount] = token;
        _positions[TokenCount] = position;
        _sequences[TokenCount] = sequence;
        int output = -1;
        if (wantsLogits)
        {
            output = OutputCount;
            _outputRows[OutputCount++] = TokenCount;
        }

        TokenCount++;
        return output;
    }
}
