// The graph compiler's back end: an optimised graph → partitions (Strata kernels or the foreign runtime) → arena plan →
// a content-hashed executable. Every stage writes what it did to the compile log.
using System.Security.Cryptography;
using System.Text;
using Strata.Compiler.Graphs.Caching;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Graphs.Lowering;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Onnx;
using Strata.Substrate;

namespace Strata.Compiler.Graphs;

/// <summary>Lowers typed graphs into <see cref="GraphExecutable"/>s.</summary>
public static class GraphCompiler
{
    /// <summary>
    /// Compiles the ONNX model at <paramref name="modelPath"/>: import, optimise (or read the optimised graph from
    /// <paramref name="cache"/>, verified), partition, plan, hash. The weights' identity is the file's sha256.
    /// </summary>
    /// <exception cref="OnnxFormatException">the file is not a valid ONNX model</exception>
    /// <exception cref="CompileException">the graph cannot be compiled (see <see cref="Lower"/>)</exception>
    public static GraphExecutable Compile(string modelPath, GraphCompileOptions options, ExecutableCache? cache = null)
    {
        var log = new CompileLog();
        string identity;
        using (var file = MappedFile.Open(modelPath, FileLoad.Map))
        {
            identity = Convert.ToHexStringLower(SHA256.HashData(file.Span(0, checked((int)file.LengthBytes))));
        }

        options = options with { WeightsIdentity = $"sha256:{identity}" };
        string key = ExecutableCache.KeyOf(identity, options.Outputs);
        string? rejection = null;
        if (cache?.TryLoad(key, out rejection) is { } cached)
        {
            log.Write("cache", $"hit {key[..16]} in {cache.Directory}: optimised graph read and verified (payload and graph sha256)");
            return Attach(Lower(cached.Graph, options, log), cached.Mapping, fromCache: true);
        }
        else if (cache is not null)
        {
            log.Write("cache", rejection ?? $"miss {key[..16]}: compiling");
        }

        var model = OnnxModel.Load(modelPath);
        try
        {
            var graph = GraphOptimizer.Run(OnnxImporter.Import(model, options.Outputs, log), log);
            if (cache is not null)
            {
                cache.Store(key, graph);
                log.Write("cache", $"stored {key[..16]} in {cache.Directory}");
            }

            return Attach(Lower(graph, options, log), model, fromCache: false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static GraphExecutable Attach(GraphExecutable executable, IDisposable resource, bool fromCache) =>
        executable with { Resources = [.. executable.Resources, resource], FromCache = fromCache };

    /// <summary>Partitions, loads foreign partitions, plans the arena and hashes an optimised graph.</summary>
    /// <exception cref="CompileException">a node has no kernel and fallback is refused or impossible, or a value cannot be planned</exception>
    public static GraphExecutable Lower(OpGraph graph, GraphCompileOptions options, CompileLog log)
    {
        graph = LearnForeignShapes(graph, options, log);
        var partitioned = Partitioner.Run(graph, options.AllowFallback, log);
        var loaded = new List<(ForeignPartition, IForeignPartition?)>();
        try
        {
            foreach (var partition in partitioned.Partitions)
            {
                var runtime = options.ForeignRuntime
                    ?? throw new CompileException($"partition {partition.Index} [{string.Join(", ", partition.Operators)}] needs a foreign runtime and none was given");
                loaded.Add((partition, runtime.Load(partition)));
            }

            var plan = GraphMemoryPlanner.Run(graph, partitioned.Steps, options.Bounds, log);
            var kernels = KernelChoices(partitioned.Steps, options);
            string hash = Hash(graph, kernels, options);
            log.Write("lower", $"{partitioned.Steps.Count} steps ({CountForeign(partitioned.Steps)} foreign), {graph.Constants.Count} constants, hash {hash[..16]}");
            return new GraphExecutable(graph, partitioned.Steps, plan, loaded, kernels, hash, log, options);
        }
        catch
        {
            foreach (var (_, l) in loaded)
            {
                l?.Dispose();
            }

            throw;
        }
    }

    // A foreign partition whose values no rule could type is loaded once, exposing all of them, to ask the foreign runtime
    // (which infers them on load); the learned types flow downstream through shape inference, so the nodes after it that
    // lacked a kernel only for want of a shape can run on Strata kernels.
    private static OpGraph LearnForeignShapes(OpGraph graph, GraphCompileOptions options, CompileLog log)
    {
        if (options.ForeignRuntime is null || !options.AllowFallback)
        {
            return graph;
        }

        var learned = new Dictionary<int, TensorValue>();
        foreach (var partition in Partitioner.Probe(graph))
        {
            if (!HasUnknownOutput(partition))
            {
                continue;
            }

            using var loaded = options.ForeignRuntime.Load(partition);
            for (int i = 0; i < partition.Outputs.Count; i++)
            {
                var (type, shape) = loaded.OutputTypes[i];
                var old = partition.Outputs[i];
                if ((old.Shape is null || old.Shape.HasUnknown) && shape is not null && !shape.HasUnknown)
                {
                    learned[old.Id] = old.With(type, shape);
                }
            }
        }

        if (learned.Count == 0)
        {
            return graph;
        }

        var nodes = new List<OpNode>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            var outputs = new TensorValue[node.Outputs.Count];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = learned.TryGetValue(node.Outputs[i].Id, out var v) ? v : node.Outputs[i];
            }

            nodes.Add(node with { Outputs = outputs });
        }

        log.Write(Partitioner.Name, $"{learned.Count} foreign output type(s) learned from {options.ForeignRuntime.Describe}; shapes inferred again");
        return ShapeInference.Run(graph with { Nodes = nodes }, log);
    }

    private static bool HasUnknownOutput(ForeignPartition partition)
    {
        foreach (var v in partition.Outputs)
        {
            if (v.Shape is null || v.Shape.HasUnknown)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountForeign(IReadOnlyList<GraphStep> steps)
    {
        int count = 0;
        foreach (var s in steps)
        {
            count += s.Kind == StepKind.Foreign ? 1 : 0;
        }

        return count;
    }

    private static SortedDictionary<string, string> KernelChoices(IReadOnlyList<GraphStep> steps, GraphCompileOptions options)
    {
        var kernels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            string key = step.Kind.ToString();
            kernels[key] = step.Kind switch
            {
                StepKind.Dense => $"{options.KernelIsa} f32 x·wᵀ: PanelGemm (weights packed in 16-row panels, 6 × 16 FMA tiles) from {KernelSupport.DensePanelRowsFrom} rows, MatMul's plan below; bias, GELU/ReLU and a residual fused into the tile store, other activations after",
                StepKind.Attention => $"{options.KernelIsa} f32 attention over padded sequences, additive key bias, per (sequence, head); q, k, v as three values or packed in one product's rows",
                StepKind.LayerNorm => $"{options.KernelIsa} layernorm f32 (double-accumulated mean and variance)",
                StepKind.Foreign => options.ForeignRuntime?.Describe ?? "foreign runtime",
                _ => $"{options.KernelIsa} {key.ToLowerInvariant()} (f32, i64 or bytes by the step's types)",
            };
        }

        return kernels;
    }

    private static string Hash(OpGraph graph, IReadOnlyDictionary<string, string> kernels, GraphCompileOptions options)
    {
        var text = new StringBuilder(graph.ToText())
            .Append("weights ").AppendLine(options.WeightsIdentity)
            .Append("isa ").AppendLine(options.KernelIsa)
            .Append("bounds ").AppendLine(options.Bounds.ToString())
            .Append("fallback ").AppendLine(options.AllowFallback ? options.ForeignRuntime?.Describe ?? "none" : "refused");
        foreach (var (family, kernel) in kernels)
        {
            text.Append("kernel ").Append(family).Append(' ').AppendLine(kernel);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
