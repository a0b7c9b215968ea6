// Runs an Executable's flat kernel calls over its arena for one batch; binds weights once and allocates nothing per run.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Compiler.Passes;
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Runtime;

/// <summary>
/// The interpreter of a compiled decoder: one switch per step, spans into one pinned arena, weights bound to their
/// mapped addresses at construction. Not thread-safe: one batch at a time. It decides no kernel: each matrix product runs
/// the kernel the compiler planned for its row count (<see cref="Executable.MatMulKernels"/>), and consecutive products
/// over one input run as one job where the compiler's grouping says so (<see cref="Executable.ProductGroups"/>).
/// </summary>
/// <remarks>
/// Batch invariance and VNNI packing are the executable's compile options (<see cref="Executable.Options"/>), so they are
/// part of its hash. With batch invariance, the Q8_0 matrices of 8-bit-activation products are copied once into
/// <see cref="Q8Packed"/> layout: batched products skip the per-call weight shuffle (about 9 % of a 16-row decode pass of
/// SmolLM-135M) and one-row decode costs what the raw tile-arithmetic dot cost. The copy is about the weights' size again in
/// resident memory. With VNNI packing the copy takes <see cref="Q8Layout.Vnni"/>'s panels instead, batch invariance or
/// not: one arithmetic for every batch size, batches about twice as fast as the integer tile, and one-row decode as fast
/// as the raw decode kernel. Otherwise, without batch invariance, one-row decode keeps the raw decode kernel, which is
/// faster than a packed row dot, and nothing is copied. Dispose the runner to free the copies.
/// </remarks>
public sealed class ExecutableRunner : IDisposable
{
    private readonly Executable _exe;
    private readonly WorkerPool _pool;
    private readonly WeightMatrix[] _matrices; // by weight index (matrices; vectors have Rows == 1)
    private readonly float[][] _vectors;       // by weight index: f32 copy of norm/bias vectors, else empty
    private readonly float[] _arena;           // (ArenaFloats) planned activations
    private readonly float[] _scores;          // (ScoreContexts, heads, maxContext) attention scratch of one row group
    private readonly nint[] _keyBlocks;        // (MaxBatchTokens, maxBlocks) block addresses per row of one layer
    private readonly nint[] _valueBlocks;      // (MaxBatchTokens, maxBlocks)
    private readonly int[] _blockOffsets;      // (MaxBatchTokens) where each row's addresses start
    private readonly int[] _visible;           // (MaxBatchTokens) positions each row sees
    private readonly long[] _scoreOffsets;     // (MaxBatchTokens) where each row's scores start
    private readonly nint _arenaAddress;
    private readonly KernelBucket[]?[] _kernels; // by step: the compiler's kernel of each row-count bucket (matrix products)
    private readonly KernelBucket[]?[] _joint;   // by step: where a product group starts, the row counts it runs as one job
    private readonly int[] _members;             // by step: products in the group that starts there (0 = none)
    private readonly WeightMatrix[] _group = new WeightMatrix[3];
    private readonly nint[] _groupOutputs = new nint[3];
    private readonly RopeAngleTables _ropeAngles;
    private readonly PackedWeights _packed;
    private readonly ExpertProducts _experts;

    /// <summary>Binds <paramref name="executable"/> to <paramref name="model"/>'s weights for sequences of up to maxContext tokens.</summary>
    /// <remarks>
    /// With the executable's <see cref="CompileOptions.BatchInvariant"/> a row's results do not depend on the rows beside it
    /// (see <c>MatMulInt8.Run</c>).
    /// </remarks>
    public ExecutableRunner(Executable executable, ModelArtifact model, WorkerPool pool, int maxContext, int blockTokens)
    {
        ArgumentNullException.ThrowIfNull(executable);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Load == Substrate.FileLoad.Copy && model.ReleasedBytes > 0)
        {
            // The runner that packed this copy's weights released their raw bytes (and made them unreadable).
            throw new InvalidOperationException(
                $"{model.ReleasedBytes} bytes of the copied weights of '{model.Path}' were released by the runner that packed them; "
                + "load the model again (or with FileLoad.Map) to build another runner over it");
        }

        _exe = executable;
        _pool = pool;
        _matrices = new WeightMatrix[executable.Weights.Length];
        _vectors = new float[executable.Weights.Length][];
        for (int i = 0; i < executable.Weights.Length; i++)
        {
            var w = executable.Weights[i];
            _matrices[i] = new WeightMatrix(w.Type, model.WeightAddress(w.Name), w.Rows, w.Cols);
            _vectors[i] = w.Rows == 1 ? ToFloats(_matrices[i]) : [];
        }

        _arena = GC.AllocateArray<float>(checked((int)executable.ArenaFloats), pinned: true);
        int rows = executable.MaxBatchTokens;
        _scores = new float[(long)Math.Min(rows, ScoreContexts) * model.Spec.Heads * maxContext];
        int maxBlocks = (maxContext + blockTokens - 1) / blockTokens;
        _keyBlocks = new nint[rows * maxBlocks];
        _valueBlocks = new nint[rows * maxBlocks];
        _blockOffsets = new int[rows];
        _visible = new int[rows];
        _scoreOffsets = new long[rows];
        (_kernels, _joint, _members) = KernelTables(executable);
        _arenaAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_arena, 0); // the arena lives on the pinned heap
        _packed = PackedWeights.Pack(executable, model, pool, _matrices);
        _experts = ExpertProducts.For(executable);
        _ropeAngles = new RopeAngleTables(executable.MaxBatchTokens);
    }

    /// <summary>Bytes of the packed Q8_0 weight copies this runner holds (the file's pages of those matrices leave the resident set).</summary>
    public long PackedBytes => _packed.Bytes;

    /// <inheritdoc/>
    public void Dispose() => _packed.Dispose();

    /// <summary>
    /// The compiler's kernel plan (<see cref="Executable.MatMulKernels"/>, <see cref="Executable.ProductGroups"/>) as arrays by
    /// step, looked up per run without allocating.
    /// </summary>
    private static (KernelBucket[]?[] Kernels, KernelBucket[]?[] Joint, int[] Members) KernelTables(Executable exe)
    {
        var kernels = new KernelBucket[]?[exe.Steps.Length];
        var joint = new KernelBucket[]?[exe.Steps.Length];
        var members = new int[exe.Steps.Length];
        foreach (var plan in exe.MatMulKernels)
        {
            kernels[plan.Step] = [.. plan.Buckets];
        }

        foreach (var group in exe.ProductGroups)
        {
            joint[group.First] = [.. group.Joint];
            members[group.First] = group.Count;
        }

        return (kernels, joint, members);
    }

    /// <summary>The executable being run.</summary>
    public Executable Executable => _exe;

    /// <summary>Logits of output row <paramref name="output"/> of the last run.</summary>
    public ReadOnlySpan<float> Logits(int output) => _arena.AsSpan((int)(_exe.LogitsOffset + (long)output * _exe.VocabSize), _exe.VocabSize);

    /// <summary>Runs every step for <paramref name="batch"/>. Sequences must already hold blocks for every row's position.</summary>
    public void Run(ForwardBatch batch)
    {
        if (batch.TokenCount == 0 || batch.TokenCount > _exe.MaxBatchTokens || batch.OutputCount > _exe.MaxOutputRows)
        {
            throw new ArgumentException(
                $"batch has {batch.TokenCount} rows and {batch.OutputCount} outputs; executable takes 1–{_exe.MaxBatchTokens} rows and ≤ {_exe.MaxOutputRows} outputs",
                nameof(batch));
        }

        _ropeAngles.Reset();
        var steps = _exe.Steps;
        StepProfile? profile = Profile;
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var step = ref steps[i];
            int rows = step.Rows == RowSpace.Outputs ? batch.OutputCount : batch.TokenCount;
            if (rows == 0)
            {
                continue;
            }

            long start = profile is null ? 0 : Stopwatch.GetTimestamp();
            if (_members[i] > 1 && Lookup(_joint[i]!, rows) is { } joint)
            {
                RunGroup(i, _members[i], rows, joint);
                profile?.Add(i, _members[i], Stopwatch.GetTimestamp() - start);
                i += _members[i] - 1;
                continue;
            }

            RunStep(i, rows, batch);
            profile?.Add(i, 1, Stopwatch.GetTimestamp() - start);
        }

        profile?.EndRun();
    }

    /// <summary>Where set, every step of every run is timed into it (a benchmark's per-op profile); null runs untimed.</summary>
    public StepProfile? Profile { get; set; }

    private void RunStep(int index, int rows, ForwardBatch batch)
    {
        ref readonly var step = ref _exe.Steps[index];
        var a = step.Attributes;
        switch (step.Op)
        {
            case OpKind.Embed:
                Embed(in step, batch);
                break;
            case OpKind.RmsNorm:
                for (int r = 0; r < rows; r++)
                {
                    VectorOps.RmsNorm(Row(step.Input0, step.InputWidth, r), _vectors[step.WeightIndex], a.Epsilon, Row(step.Output, step.OutputWidth, r));
                }

                break;
            case OpKind.HeadRmsNorm:
                for (int r = 0; r < rows; r++)
                {
                    var input = Row(step.Input0, step.InputWidth, r);
                    var output = Row(step.Output, step.OutputWidth, r);
                    for (int h = 0; h < a.Heads; h++)
                    {
                        VectorOps.RmsNorm(input.Slice(h * a.HeadDim, a.HeadDim), _vectors[step.WeightIndex], a.Epsilon, output.Slice(h * a.HeadDim, a.HeadDim));
                    }
                }

                break;
            case OpKind.Scale:
                CopyIfMoved(in step, rows);
                Activations.Scale(Rows(step.Output, step.OutputWidth, rows), a.Scale);
                break;
            case OpKind.SoftCap:
                CopyIfMoved(in step, rows);
                Activations.SoftCap(Rows(step.Output, step.OutputWidth, rows), a.Scale);
                break;
            case OpKind.GeluGlu:
                Activations.GeluGlu(Rows(step.Input0, step.InputWidth, rows), Rows(step.Input1, step.InputWidth, rows), Rows(step.Output, step.OutputWidth, rows));
                break;
            case OpKind.MoeRoute:
                for (int r = 0; r < rows; r++)
                {
                    ExpertRouting.Route(Row(step.Input0, step.InputWidth, r), a.ExpertsUsed, a.NormalizeExperts, Row(step.Output, step.OutputWidth, r));
                }

                break;
            case OpKind.ExpertMatMul:
                var experts = _exe.Weights[step.WeightIndex];
                _experts.Run(_pool, in _matrices[step.WeightIndex], experts.Slices, a.ExpertsUsed,
                    KernelSelection.PlannedAs(OpKind.ExpertMatMul, experts.Type, _exe.Options.Mode) == OpKind.MatMulQuantized,
                    Rows(step.Input0, step.InputWidth, rows), step.InputWidth, Rows(step.Input1, 2 * a.ExpertsUsed, rows), rows,
                    Rows(step.Output, step.OutputWidth, rows), step.OutputWidth, _kernels[index]!);
                break;
            case OpKind.MoeCombine:
                for (int r = 0; r < rows; r++)
                {
                    ExpertRouting.Combine(Row(step.Input0, step.InputWidth, r), Row(step.Input1, 2 * a.ExpertsUsed, r), Row(step.Output, step.OutputWidth, r));
                }

                break;
            case OpKind.Slice:
                for (int r = 0; r < rows; r++)
                {
                    Row(step.Input0, step.InputWidth, r).Slice(a.Offset, step.OutputWidth).CopyTo(Row(step.Output, step.OutputWidth, r));
                }

                break;
            case OpKind.MatMul:
                MatMul.Run(_pool, in _matrices[step.WeightIndex], Rows(step.Input0, step.InputWidth, rows), rows, Rows(step.Output, step.OutputWidth, rows),
                    KernelOf(index, rows));
                break;
            case OpKind.QuantizeActivations:
                ActivationQuant.QuantizeRows(_matrices[step.WeightIndex].Type, Rows(step.Input0, step.InputWidth, rows), rows, step.InputWidth,
                    MemoryMarshal.AsBytes(Rows(step.Output, step.OutputWidth, rows)));
                break;
            case OpKind.MatMulQuantized:
                MatMulInt8.Run(_pool, in _matrices[step.WeightIndex], MemoryMarshal.AsBytes(Rows(step.Input0, step.InputWidth, rows)), rows,
                    Rows(step.Output, step.OutputWidth, rows), KernelOf(index, rows));
                break;
            case OpKind.AddBias:
                CopyIfMoved(in step, rows);
                for (int r = 0; r < rows; r++)
                {
                    VectorOps.Add(Row(step.Output, step.OutputWidth, r), _vectors[step.WeightIndex]);
                }

                break;
            case OpKind.Rope:
                CopyIfMoved(in step, rows);
                RopeRows(in step, rows, batch);

                break;
            case OpKind.KvStore:
                for (int r = 0; r < rows; r++)
                {
                    var sequence = batch.Sequence(r);
                    NativeRows.Store(Row(step.Input0, step.InputWidth, r), sequence.KeyRow(a.Layer, batch.Positions[r]), sequence.HalfKv);
                    NativeRows.Store(Row(step.Input1, step.InputWidth, r), sequence.ValueRow(a.Layer, batch.Positions[r]), sequence.HalfKv);
                }

                break;
            case OpKind.Attention:
                Attend(in step, rows, batch);
                break;
            case OpKind.Add:
                CopyIfMoved(in step, rows);
                VectorOps.Add(Rows(step.Output, step.OutputWidth, rows), Rows(step.Input1, step.InputWidth, rows));
                break;
            case OpKind.SwiGlu:
                VectorOps.SwiGlu(Rows(step.Input0, step.InputWidth, rows), Rows(step.Input1, step.InputWidth, rows), Rows(step.Output, step.OutputWidth, rows));
                break;
            case OpKind.GatherOutputRows:
                for (int o = 0; o < rows; o++)
                {
                    Row(step.Input0, step.InputWidth, batch.OutputRows[o]).CopyTo(Row(step.Output, step.OutputWidth, o));
                }

                break;
            default:
                throw new InvalidOperationException($"executable step {step.Op} has no kernel");
        }
    }

    private void RopeRows(in ExecutableStep step, int rows, ForwardBatch batch)
    {
        var a = step.Attributes;
        int half = a.RopeDims / 2;
        var (cos, sin) = _ropeAngles.For(a.Frequencies, step.WeightIndex, step.WeightIndex >= 0 ? _vectors[step.WeightIndex] : default,
            batch.Positions[..rows]);
        for (int r = 0; r < rows; r++)
        {
            Rope.Rotate(Row(step.Output, step.OutputWidth, r), a.Heads, a.HeadDim, cos.AsSpan(r * half, half), sin.AsSpan(r * half, half), a.RopeMode);
        }
    }

    private void Embed(in ExecutableStep step, ForwardBatch batch)
    {
        ref readonly var table = ref _matrices[step.WeightIndex];
        var tokens = batch.Tokens;
        for (int r = 0; r < tokens.Length; r++)
        {
            if ((uint)tokens[r] >= (uint)table.Rows)
            {
                throw new ArgumentException($"row {r} has token id {tokens[r]}, expected 0 to {table.Rows - 1}", nameof(batch));
            }

            if (_packed.TryRawRow(step.WeightIndex, in table, tokens[r], out var raw))
            {
                QuantizedRows.DequantizeRow(table.Type, raw, Row(step.Output, step.OutputWidth, r)[..table.Cols]);
            }
            else
            {
                NativeRows.DequantizeRow(in table, tokens[r], Row(step.Output, step.OutputWidth, r));
            }
        }
    }

    // Rows go to the pool in groups whose scores fit the scratch (at least ScoreContexts full contexts), every
    // (row, head) pair of a group in one dispatch; consecutive rows of one sequence share one block table.
    private void Attend(in ExecutableStep step, int rows, ForwardBatch batch)
    {
        var a = step.Attributes;
        var shape = new AttentionShape(a.Heads, a.KvHeads, a.HeadDim, BlockTokensOf(batch), a.Scale, batch.Sequence(0).HalfKv, a.SoftCap, a.Window);
        int first = 0;
        while (first < rows)
        {
            long scoreEnd = 0;
            int blockEnd = 0;
            int r = first;
            for (; r < rows; r++)
            {
                int visible = batch.Positions[r] + 1;
                long need = (long)a.Heads * visible;
                if (r > first && scoreEnd + need > _scores.Length)
                {
                    break;
                }

                var sequence = batch.Sequence(r);
                if (r > first && ReferenceEquals(sequence, batch.Sequence(r - 1)))
                {
                    _blockOffsets[r - first] = _blockOffsets[r - first - 1];
                }
                else
                {
                    _blockOffsets[r - first] = blockEnd;
                    blockEnd += sequence.FillBlockAddresses(a.Layer, _keyBlocks.AsSpan(blockEnd), _valueBlocks.AsSpan(blockEnd));
                }

                _visible[r - first] = visible;
                _scoreOffsets[r - first] = scoreEnd;
                scoreEnd += need;
            }

            int count = r - first;
            Attention.RunBatch(_pool, in shape, count, _arena.AsSpan((int)(step.Input0 + ((long)first * step.InputWidth))), step.InputWidth,
                _keyBlocks.AsSpan(0, blockEnd), _valueBlocks.AsSpan(0, blockEnd), _blockOffsets.AsSpan(0, count), _visible.AsSpan(0, count),
                _scoreOffsets.AsSpan(0, count), _scores, _arena.AsSpan((int)(step.Output + ((long)first * step.OutputWidth))), step.OutputWidth);
            first = r;
        }
    }

    /// <summary>The kernel the compiler planned for matrix-product step <paramref name="index"/> at this row count.</summary>
    private MatMulKernel KernelOf(int index, int rows) =>
        Lookup(_kernels[index]!, rows) ?? throw new InvalidOperationException(
            $"step {index} has no kernel for {rows} rows; its plan covers 1–{_kernels[index]![^1].MaxRows}");

    /// <summary>The kernel of the bucket holding <paramref name="rows"/>, or null.</summary>
    internal static MatMulKernel? Lookup(KernelBucket[] buckets, int rows)
    {
        for (int b = 0; b < buckets.Length; b++)
        {
            if (rows >= buckets[b].MinRows && rows <= buckets[b].MaxRows)
            {
                return buckets[b].Kernel;
            }
        }

        return null;
    }

    private void RunGroup(int first, int count, int rows, MatMulKernel kernel)
    {
        var steps = _exe.Steps;
        for (int k = 0; k < count; k++)
        {
            ref readonly var step = ref steps[first + k];
            _group[k] = _matrices[step.WeightIndex];
            _groupOutputs[k] = _arenaAddress + (nint)(step.Output * sizeof(float));
        }

        ref readonly var head = ref steps[first];
        if (head.Op == OpKind.MatMul)
        {
            MatMul.RunGroup(_pool, _group.AsSpan(0, count), Rows(head.Input0, head.InputWidth, rows), rows, _groupOutputs.AsSpan(0, count), kernel);
            return;
        }

        MatMulInt8.RunGroup(_pool, _group.AsSpan(0, count), MemoryMarshal.AsBytes(Rows(head.Input0, head.InputWidth, rows)), rows,
            _groupOutputs.AsSpan(0, count), kernel);
    }

    /// <summary>Full-context score rows the attention scratch holds (the row group size when every row sees the whole context).</summary>
    private const int ScoreContexts = 8;

    private static int BlockTokensOf(ForwardBatch batch) => batch.Sequence(0).BlockTokens;

    private void CopyIfMoved(in ExecutableStep step, int rows)
    {
        if (step.Input0 != step.Output)
        {
            Rows(step.Input0, step.InputWidth, rows).CopyTo(Rows(step.Output, step.OutputWidth, rows));
        }
    }

    private Span<float> Row(long offset, int width, int row) => _arena.AsSpan((int)(offset + (long)row * width), width);

    private Span<float> Rows(long offset, int width, int rows) => _arena.AsSpan((int)offset, width * rows);

    private static float[] ToFloats(in WeightMatrix vector)
    {
        var values = new float[vector.Cols];
        NativeRows.DequantizeRow(in vector, 0, values);
        return values;
    }
}
