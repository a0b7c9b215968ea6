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
            int context = options.ContextTokens == 0
                ? Math.Min(model.Spec.ContextLength, EngineOptions.DefaultContextCap)
                : options.ContextTokens;
            int batch = Math.Min(options.BatchTokens, context);
            var executable = DecoderCompiler.Compile(model.Spec,
                new CompileOptions(batch, Math.Min(batch, options.Sequences), model.FileSha256, KernelIsa.Active, options.Mode));
            pool = new WorkerPool(options.Threads);
            int blocksPerSequence = (context + options.BlockTokens - 1) / options.BlockTokens;
            kv = new KvBlockPool(model.Spec.Layers, model.Spec.KvDim, options.BlockTokens,
                options.KvBlocks > 0 ? options.KvBlocks : blocksPerSequence * options.Sequences, half: options.KvType == GgmlType.F16);
            var runner = new ExecutableRunner(executable, model, pool, context, options.BlockTokens, options.BatchInvariant);

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

    /// <inheritdoc/>
    public void Dispose()
    {
        Runner.Dispose();
        KvPool.Dispose();
        Pool.Dispose();
        Model.Dispose();
    }
}
