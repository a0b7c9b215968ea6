// Strata's own encoder behind the embeddings seam: the model compiled by the graph compiler (ONNX import or a GGUF bert
// graph → passes → plan → executable) and run by the graph runner; batches larger than the executable's capacity run
// in row chunks, which allocate nothing.
using Strata.Compiler;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Caching;
using Strata.Compiler.Graphs.Lowering;
using Strata.Engine.Artifacts;
using Strata.Engine.Graphs;

namespace Strata.Engine.Embeddings;

/// <summary>An <see cref="ISentenceEncoder"/> over a compiled <see cref="GraphExecutable"/>.</summary>
public sealed class CompiledSentenceEncoder : ISentenceEncoder
{
    /// <summary>Tokens one run of the executable holds (the arena is planned for batch·sequence up to this).</summary>
    public const int TokenCapacity = 4096;

    /// <summary>Sequences one run holds.</summary>
    public const int BatchCapacity = 64;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private readonly GraphRunner _runner;
    private readonly int[] _feedOrder;
    private readonly GraphInput[] _feeds;
    private readonly ReadOnlyMemory<byte>[] _batchBytes; // (inputs) one Encode call's whole int64 inputs as bytes, in graph input order
    private readonly long[] _chunkShape = new long[2]; // (batch rows, sequence) of the chunk being run

    private CompiledSentenceEncoder(GraphExecutable executable, int threads, int maxTokens)
    {
        _runner = new GraphRunner(executable, threads: threads);
        var graph = executable.Graph;
        var output = graph.Outputs[0];
        if (output.Type != DType.F32 || output.Shape is not { Rank: 3 } shape || !shape[2].IsKnown)
        {
            throw new InvalidDataException($"the encoder's output '{output.Name}' is {output}; expected f32 [batch, sequence, hidden]");
        }

        HiddenSize = (int)shape[2].Factor;
        MaxTokens = maxTokens;
        _feedOrder = new int[graph.Inputs.Count];
        for (int i = 0; i < _feedOrder.Length; i++)
        {
            _feedOrder[i] = Array.IndexOf(InputNames, graph.Inputs[i].Name);
            if (_feedOrder[i] < 0 || graph.Inputs[i].Type != DType.I64)
            {
                throw new InvalidDataException($"the encoder's input '{graph.Inputs[i].Name}' ({graph.Inputs[i]}) is not one of int64 {string.Join(", ", InputNames)}");
            }
        }

        _feeds = new GraphInput[_feedOrder.Length];
        _batchBytes = new ReadOnlyMemory<byte>[_feedOrder.Length];
        int foreign = executable.ForeignNodeCount;
        Describe = $"strata compiled {executable.ContentHash[..16]} ({executable.Steps.Count} steps, "
            + (foreign == 0 ? "no fallback" : $"{foreign} nodes on {executable.Options.ForeignRuntime?.Describe}") + $", {_runner.Threads} threads)";
    }

    /// <inheritdoc/>
    public int HiddenSize { get; }

    /// <inheritdoc/>
    public int MaxTokens { get; }

    /// <inheritdoc/>
    public string Describe { get; }

    /// <summary>The executable it runs (its compile log, hash and kernels are evidence).</summary>
    public GraphExecutable Executable => _runner.Executable;

    /// <summary>The runner (for profiling in benchmarks).</summary>
    public GraphRunner Runner => _runner;

    /// <summary>Bounds of one run: 64 sequences, 512 tokens each, 4096 tokens in all.</summary>
    public static CapacityBounds Bounds(int maxTokens) => CapacityBounds.Encoder(BatchCapacity, maxTokens, Math.Max(TokenCapacity, maxTokens));

    /// <summary>Compiles an ONNX encoder (last_hidden_state only).</summary>
    /// <param name="modelPath">the .onnx file</param>
    /// <param name="threads">runner threads</param>
    /// <param name="foreign">the runtime for nodes without a Strata kernel (null: none)</param>
    /// <param name="allowFallback">false refuses any foreign partition</param>
    /// <param name="cache">the on-disk cache of optimised graphs, or null</param>
    /// <param name="maxTokens">the model's longest sequence</param>
    /// <exception cref="CompileException">the model cannot be compiled (e.g. fallback refused)</exception>
    public static CompiledSentenceEncoder OpenOnnx(string modelPath, int threads, IForeignRuntime? foreign, bool allowFallback = true,
        ExecutableCache? cache = null, int maxTokens = 512)
    {
        var options = new GraphCompileOptions(Bounds(maxTokens), string.Empty, Kernels.KernelIsa.Active, allowFallback, ["last_hidden_state"])
        {
            ForeignRuntime = foreign,
        };
        var executable = GraphCompiler.Compile(modelPath, options, cache);
        try
        {
            return new CompiledSentenceEncoder(executable, threads, maxTokens);
        }
        catch
        {
            executable.Dispose();
            throw;
        }
    }

    /// <summary>Compiles a GGUF `bert` encoder through the same passes and back end.</summary>
    public static CompiledSentenceEncoder OpenGguf(string modelPath, int threads)
    {
        var file = GgufFile.Open(modelPath);
        try
        {
            int context = (int)file.GetInteger("bert.context_length");
            var log = new CompileLog();
            var graph = GraphOptimizer.Run(GgufEncoderGraph.Build(file), log);
            var options = new GraphCompileOptions(Bounds(context), $"gguf:{file.Path}:{file.LengthBytes}", Kernels.KernelIsa.Active, AllowFallback: false);
            var executable = GraphCompiler.Lower(graph, options, log) with { Resources = [file] };
            return new CompiledSentenceEncoder(executable, threads, context);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Encode(BertInput input, Span<float> lastHiddenState)
    {
        ArgumentNullException.ThrowIfNull(input);
        int sequence = input.SequenceLength;
        if (sequence > MaxTokens)
        {
            throw new ArgumentException($"The batch's rows hold {sequence} tokens; this model takes at most {MaxTokens}.", nameof(input));
        }

        long expected = (long)input.BatchSize * sequence * HiddenSize;
        if (lastHiddenState.Length != expected)
        {
            throw new ArgumentException($"last_hidden_state needs {expected} floats; the destination holds {lastHiddenState.Length}.", nameof(lastHiddenState));
        }

        // Each input viewed as bytes once per call (three small views); a chunk feeds slices of them and the one shape array.
        for (int i = 0; i < _feeds.Length; i++)
        {
            long[] source = _feedOrder[i] switch { 0 => input.InputIds, 1 => input.AttentionMask, _ => input.TokenTypeIds };
            _batchBytes[i] = GraphInput.Of(_chunkShape, source, 0, input.BatchSize * sequence).Bytes;
        }

        int rowsPerRun = Math.Max(1, Math.Min(BatchCapacity, Math.Max(TokenCapacity, MaxTokens) / Math.Max(sequence, 1)));
        for (int first = 0; first < input.BatchSize; first += rowsPerRun)
        {
            int rows = Math.Min(rowsPerRun, input.BatchSize - first);
            _chunkShape[0] = rows;
            _chunkShape[1] = sequence;
            for (int i = 0; i < _feeds.Length; i++)
            {
                _feeds[i] = new GraphInput(_chunkShape, _batchBytes[i].Slice(first * sequence * sizeof(long), rows * sequence * sizeof(long)));
            }

            _runner.Run(_feeds);
            var hidden = _runner.OutputFloats(0, out _);
            hidden.CopyTo(lastHiddenState.Slice(first * sequence * HiddenSize, rows * sequence * HiddenSize));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _runner.Dispose();
        _runner.Executable.Dispose();
    }
}
