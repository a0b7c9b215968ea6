// The graph compiler's back end: an optimised graph → partitions (Strata kernels or the foreign runtime) → arena plan →
// a content-hashed executable. Every stage writes what it did to the compile log.
using System.Security.Cryptography;
using System.Text;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Compiler.Graphs;

/// <summary>Lowers typed graphs into <see cref="GraphExecutable"/>s.</summary>
public static class GraphCompiler
{
    /// <summary>Partitions, loads foreign partitions, plans the arena and hashes an optimised graph.</summary>
    /// <exception cref="CompileException">a node has no kernel and fallback is refused or impossible, or a value cannot be planned</exception>
    public static GraphExecutable Lower(OpGraph graph, GraphCompileOptions options, CompileLog log)
    {
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
                StepKind.Dense => $"{options.KernelIsa} f32 matmul x·wᵀ (MatMulPlan: outer-product tiles for many rows, 4-row tiles below) + bias + activation",
                StepKind.Attention => $"{options.KernelIsa} f32 attention over padded sequences, additive key bias, per (sequence, head)",
                StepKind.LayerNorm => $"{options.KernelIsa} layernorm f32 (double-accumulated mean and variance)",
                StepKind.Foreign => options.ForeignRuntime?.Describe ?? "foreign runtime",
                _ => $"{options.KernelIsa} {key.ToLowerInvariant()} {step.Node.Output.Type.Text()}",
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
