// A model ready to run: artifact opened (copied or mapped), decoder compiled, weights bound, worker pool and KV pool allocated.
using System.Diagnostics;
using Strata.Compiler;
using Strata.Compiler.Lowering;
using Strata.Engine.Artifacts;
using Strata.Engine.KvCache;
using Strata.Kernels;

namespace Strata.Engine.Runtime;

/// <summary>Owns everything one loaded model needs to generate; dispose to unmap and free.</summary>
public sealed class ModelRuntime : IDisposable
{
    private ModelRuntime(ModelArtifact model, Executable executable, ExecutableRunner runner, WorkerPool pool, KvBlockPool kvPool,
        EngineOptions options, int contextTokens, double loadMs)
    {
        Model = model;
        Executable = executable;
        Runner = runner;
        Pool = pool;
        KvPool = kvPool;
        KvBlocks = new PrefixCache(kvPool);
        Options = options;
        ContextTokens = contextTokens;
        LoadMilliseconds = loadMs;
    }

    /// <summary>The model artifact.</summary>
    public ModelArtifact Model { get; }

    /// <summary>The compiled decoder.</summary>
    public Executable Executable { get; }

    /// <summary>The executable bound to the weights.</summary>
    public ExecutableRunner Runner { get; }

    /// <summary>Kernel worker threads.</summary>
    public WorkerPool Pool { get; }

    /// <summary>KV cache storage.</summary>
    public KvBlockPool KvPool { get; }

    /// <summary>The only allocator of <see cref="KvPool"/>'s blocks, with its prefix cache; owned by the thread that runs the model.</summary>
    public PrefixCache KvBlocks { get; }

    /// <summary>Options it was loaded with.</summary>
    public EngineOptions Options { get; }

    /// <summary>Positions one sequence may hold.</summary>
    public int ContextTokens { get; }

    /// <summary>Time to open, compile and bind.</summary>
    public double LoadMilliseconds { get; }

    /// <summary>Opens the model, compiles its decoder for this CPU and binds the weights.</summary>
    /// <exception cref="ModelFormatException">the model file is malformed</exception>
    /// <exception cref="IOException">the model file changed while it was being copied</exception>
    /// <exception cref="CompileException">the model is well-formed but not a decoder Strata can run</exception>
    public static ModelRuntime Load(string modelPath, string? tokenizerPath, EngineOptions options)
    {
        options.Validate();
        long start = Stopwatch.GetTimestamp();
        var model = ModelArtifact.Open(modelPath, tokenizerPath, options.Load);
        WorkerPool? pool = null;
        KvBlockPool? kv = null;
        try
        {
            var (compile, context) = Plan(model, options);
            CheckContextFits(model, options, context, compile.MaxBatchTokens);
            var executable = DecoderCompiler.Compile(model.Spec, compile);
            pool = new WorkerPool(options.Threads);
            int blocksPerSequence = (int)(((long)context + options.BlockTokens - 1) / options.BlockTokens);
            kv = new KvBlockPool(model.Spec.Layers, model.Spec.KvDim, options.BlockTokens,
                options.KvBlocks > 0 ? options.KvBlocks : blocksPerSequence * options.Sequences, half: options.KvType == GgmlType.F16);
            var runner = new ExecutableRunner(executable, model, pool, context, options.BlockTokens);

            // Parsing metadata and building the tokenizer leave megabytes of garbage; give those pages back to the OS once
            // now, so resident memory after load is the weights, the KV cache and the runtime itself.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return new ModelRuntime(model, executable, runner, pool, kv, options, context, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch
        {
            kv?.Dispose();
            pool?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The compile options <see cref="Load"/> compiles <paramref name="model"/> with under <paramref name="options"/> (so the
    /// same executable hash), and the positions each sequence gets; for tools that compile without loading (inspect).
    /// </summary>
    public static (CompileOptions Compile, int ContextTokens) Plan(ModelArtifact model, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        int context = options.ContextTokens == 0
            ? Math.Min(model.Spec.ContextLength, EngineOptions.DefaultContextCap)
            : options.ContextTokens;
        int batch = Math.Min(options.BatchTokens, context);
        var compile = new CompileOptions(batch, Math.Min(batch, options.Sequences), model.FileSha256, KernelIsa.Active, options.Mode,
            options.BatchInvariant, options.Vnni && KernelIsa.VnniSupported, context);
        return (compile, context);
    }

    // A context too large for this machine used to end in an OverflowException or OutOfMemoryException halfway through
    // allocation: estimate the buffers a context needs first (the KV cache for every sequence, the attention scores of a
    // row group, the block tables) and refuse, naming the limits, when they exceed the memory this process may use or an
    // array's largest length.
    private static void CheckContextFits(ModelArtifact model, EngineOptions options, int context, int batch)
    {
        var spec = model.Spec;
        double blocksPerSequence = Math.Ceiling((double)context / options.BlockTokens);
        double blocks = options.KvBlocks > 0 ? options.KvBlocks : blocksPerSequence * options.Sequences;
        double kvBytes = 2.0 * spec.Layers * blocks * options.BlockTokens * spec.KvDim * (options.KvType == GgmlType.F16 ? 2 : 4);
        double scoreFloats = (double)Math.Min(batch, 8) * spec.Heads * context;
        double tableEntries = (double)batch * blocksPerSequence;
        double needed = kvBytes + (scoreFloats * sizeof(float)) + (2 * tableEntries * IntPtr.Size);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        string limit = $"the model was trained on {spec.ContextLength} tokens; lower the context (--ctx, config 'context')";
        if (needed > available)
        {
            throw new ArgumentException(
                $"a context of {context} tokens needs {needed / (1 << 20):F0} MiB (KV cache {kvBytes / (1 << 20):F0} MiB for {options.Sequences} "
                + $"sequence(s) of {spec.Layers} layers, plus attention scratch), more than the {available >> 20} MiB of memory available; {limit}");
        }

        if (scoreFloats > Array.MaxLength || tableEntries > Array.MaxLength || blocks > int.MaxValue)
        {
            throw new ArgumentException(
                $"a context of {context} tokens needs an attention scratch of {scoreFloats:F0} floats, more than the {Array.MaxLength} an array holds; {limit}");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Runner.Dispose();
        KvPool.Dispose();
        Pool.Dispose();
        Model.Dispose();
    }
}
