// Runs a compiled graph executable: binds the run's symbols from the inputs, then each step's kernel over one pinned arena,
// handing foreign partitions to their runtime. It decides nothing the compiler decided.
using System.Runtime.InteropServices;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Kernels;

namespace Strata.Engine.Graphs;

/// <summary>
/// Executes a <see cref="GraphExecutable"/>. One run at a time (callers serialise). The arena is allocated once, sized by the
/// compiler's plan, and so is every value's shape array; the kernels keep their stride arrays on the stack (up to
/// <see cref="Broadcast.StackRank"/> axes; a higher rank takes a heap array). So a run allocates nothing on the calling
/// thread, whatever its sizes, except that a sequence longer than any before grows the attention scratch once, and a foreign
/// partition allocates whatever its runtime does.
/// </summary>
public sealed unsafe partial class GraphRunner : IDisposable
{
    private readonly GraphExecutable _executable;
    private readonly WorkerPool _pool;
    private readonly bool _ownsPool;
    private readonly byte[] _arena;
    private readonly byte* _base;
    private readonly RunShapes _shapes;
    private float[] _scratch;
    private Dictionary<string, TimeSpan>? _profile;
    private string[] _profileKeys = []; // (steps) each step's family in the profile, named once when profiling starts
    private readonly Dictionary<TensorData, float[]> _packed;
    private readonly ElementOp[] _binaryOps;
    private readonly UnaryOp[] _unaryOps;
    private readonly long[]?[] _sliceStarts;
    private readonly long[]?[] _sliceAxes;
    private readonly ForeignTensor[]?[] _foreignInputs;
    private readonly ForeignTensor[]?[] _foreignOutputs;

    /// <summary>A runner of <paramref name="executable"/> on <paramref name="pool"/> (created with <paramref name="threads"/> when null).</summary>
    /// <exception cref="NotSupportedException">a Binary or Unary step names an operator the runner has no kernel for</exception>
    public GraphRunner(GraphExecutable executable, WorkerPool? pool = null, int threads = 0)
    {
        ResolveOperators(executable.Steps, out _binaryOps, out _unaryOps);
        ReadSliceConstants(executable, out _sliceStarts, out _sliceAxes);
        _shapes = new RunShapes(executable);
        _foreignInputs = new ForeignTensor[executable.Partitions.Count][];
        _foreignOutputs = new ForeignTensor[executable.Partitions.Count][];
        _executable = executable;
        _ownsPool = pool is null;
        _pool = pool ?? new WorkerPool(threads > 0 ? threads : Environment.ProcessorCount);
        _arena = GC.AllocateUninitializedArray<byte>(checked((int)Math.Max(executable.Plan.ArenaBytes, 64)), pinned: true);
        _base = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_arena, 0);
        _packed = PackDenseWeights(executable);
        _scratch = [];
    }

    /// <summary>The executable it runs.</summary>
    public GraphExecutable Executable => _executable;

    /// <summary>Threads of its pool.</summary>
    public int Threads => _pool.ThreadCount;

    /// <summary>Runs the graph on <paramref name="inputs"/> (in graph input order).</summary>
    /// <exception cref="ArgumentException">the inputs do not fit the graph or the executable's capacity</exception>
    public void Run(ReadOnlySpan<GraphInput> inputs)
    {
        _shapes.Bind(inputs);
        var graph = _executable.Graph;
        for (int i = 0; i < inputs.Length; i++)
        {
            var value = graph.Inputs[i];
            long bytes = Count(_shapes.Of(value.Id)) * value.Type.Size();
            if (inputs[i].Bytes.Length != bytes)
            {
                throw new ArgumentException($"input '{value.Name}' needs {bytes} bytes of {value.Type.Text()}; {inputs[i].Bytes.Length} were given");
            }

            inputs[i].Bytes.Span.CopyTo(new Span<byte>(_base + _executable.Plan.Slots[value.Id].Offset, (int)bytes));
        }

        var steps = _executable.Steps;
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (_profile is null)
            {
                Execute(step, s);
                continue;
            }

            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            Execute(step, s);
            string key = _profileKeys[s];
            _profile[key] = _profile.GetValueOrDefault(key) + System.Diagnostics.Stopwatch.GetElapsedTime(start);
        }
    }

    /// <summary>
    /// Time spent per step family (Binary and Unary by operator, Dense by weight shape N × K) since profiling was enabled: where a run's time goes, for
    /// benchmarks. Null unless <see cref="EnableProfiling"/> was called.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan>? Profile => _profile;

    /// <summary>Starts (or restarts) timing every step by family; it costs two clock reads per step.</summary>
    public void EnableProfiling()
    {
        var steps = _executable.Steps;
        _profileKeys = new string[steps.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            _profileKeys[s] = step.Kind switch
            {
                StepKind.Binary or StepKind.Unary => $"{step.Kind}.{step.Node.Op}",
                StepKind.Dense when _executable.Graph.TryGetConstant(step.Node.Input(1), out var w) => $"Dense {w.Dims[0]}×{w.Dims[1]}",
                _ => step.Kind.ToString(),
            };
        }

        _profile = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
    }

    /// <summary>Graph output <paramref name="index"/> of the last run, as f32, with its sizes; valid until the next run.</summary>
    /// <exception cref="InvalidOperationException">the output is not f32</exception>
    public ReadOnlySpan<float> OutputFloats(int index, out long[] shape)
    {
        var value = _executable.Graph.Outputs[index];
        if (value.Type != DType.F32)
        {
            throw new InvalidOperationException($"output '{value.Name}' is {value.Type.Text()}, not f32");
        }

        shape = _shapes.Of(value.Id);
        return new ReadOnlySpan<float>((void*)Address(value), checked((int)Count(shape)));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsPool)
        {
            _pool.Dispose();
        }
    }

    private void Execute(GraphStep step, int index)
    {
        switch (step.Kind)
        {
            case StepKind.Dense:
                Dense(step.Node);
                break;
            case StepKind.LayerNorm:
                LayerNormRows(step.Node);
                break;
            case StepKind.Gelu:
                Gelu(step.Node);
                break;
            case StepKind.Attention:
                Attention(step.Node);
                break;
            case StepKind.Binary:
                Binary(step.Node, _binaryOps[index]);
                break;
            case StepKind.Unary:
                Unary(step.Node, _unaryOps[index]);
                break;
            case StepKind.Cast:
                Cast(step.Node);
                break;
            case StepKind.View:
                View(step.Node);
                break;
            case StepKind.Transpose:
                Transpose(step.Node);
                break;
            case StepKind.Gather:
                Gather(step.Node);
                break;
            case StepKind.Softmax:
                Softmax(step.Node);
                break;
            case StepKind.ReduceMean:
                ReduceMean(step.Node);
                break;
            case StepKind.MatMul:
                BatchedMatMul(step.Node);
                break;
            case StepKind.Slice:
                Slice(step.Node, index);
                break;
            case StepKind.Concat:
                Concat(step.Node);
                break;
            case StepKind.Where:
                Where(step.Node);
                break;
            case StepKind.Equal:
                Equal(step.Node);
                break;
            case StepKind.Expand:
                Expand(step.Node);
                break;
            case StepKind.Foreign:
                Foreign(step);
                break;
            default:
                throw new InvalidOperationException($"step kind {step.Kind} has no kernel in this runner");
        }
    }

    private nint Address(TensorValue value) =>
        _executable.Graph.TryGetConstant(value, out var data) ? data.Address : (nint)(_base + _executable.Plan.Slots[value.Id].Offset);

    private long[] ShapeOf(TensorValue value) => _shapes.Of(value.Id);

    private Span<float> Floats(TensorValue value) => new((void*)Address(value), checked((int)Count(ShapeOf(value))));

    private static long Count(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }
}
