// The compiler's entry point: spec → graph → typed IR and the shared passes → decoder passes → memory plan → executable with
// a content hash.
using System.Security.Cryptography;
using System.Text;
using Strata.Compiler.Builders;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Decoder;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Compiler.Passes;

namespace Strata.Compiler;

/// <summary>Compiles a decoder spec into an <see cref="Executable"/>.</summary>
public static class DecoderCompiler
{
    /// <summary>The log name of the step that lifts the builder's graph into the typed IR.</summary>
    public const string TypedGraphPass = "typed-graph";

    /// <summary>Builds the decoder, runs the shared typed-graph passes (shapes and their checks, dead code, duplicates), then plans and lowers it.</summary>
    /// <exception cref="CompileException">the spec does not describe a decoder Strata can run</exception>
    public static Executable Compile(DecoderSpec spec, CompileOptions options)
    {
        if (options.MaxBatchTokens <= 0 || options.MaxOutputRows <= 0 || options.MaxOutputRows > options.MaxBatchTokens)
        {
            throw new CompileException(
                $"batch capacity is {options.MaxBatchTokens} tokens / {options.MaxOutputRows} outputs; expected 1 ≤ outputs ≤ tokens");
        }

        var log = new CompileLog();
        var typed = DecoderBuilders.Build(spec, options.ContextTokens > 0 ? options.ContextTokens : spec.ContextLength);
        log.Write("build", $"{spec.Architecture} decoder '{spec.Name}': {spec.Layers} layers, dim {spec.EmbeddingDim}, "
            + $"{spec.Heads}/{spec.KvHeads} heads of {spec.HeadDim}, ffn {spec.FeedForwardDim}, vocab {spec.VocabSize}, {typed.Nodes.Count} nodes");
        var graph = RunTypedPasses(typed, options, log);
        var plan = MemoryPlanner.Run(graph, options.MaxBatchTokens, options.MaxOutputRows, log);
        return Lower(graph, plan, options, log);
    }

    // The builder's typed graph (the IR the ONNX importer emits) through the passes both paths share and, for quantized
    // activations, the decoder's product rewrite; then as the decoder graph the runner's steps are planned and lowered from.
    private static Graph RunTypedPasses(OpGraph typed, CompileOptions options, CompileLog log)
    {
        log.Write(TypedGraphPass, $"{typed.Nodes.Count} nodes over {typed.ConstantValues.Count} external weights; input {string.Join(", ", typed.Inputs)}");
        typed = GraphOptimizer.Run(typed, log, GraphOptimizer.DecoderPasses);
        if (options.Mode == Kernels.NumericMode.QuantizedActivations)
        {
            typed = ActivationQuantization.Run(typed, log);
        }

        return DecoderGraphBridge.ToDecoder(typed);
    }

    private static Executable Lower(Graph graph, MemoryPlan plan, CompileOptions options, CompileLog log)
    {
        var weights = new List<WeightRef>();
        var weightIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new ExecutableStep[graph.Nodes.Count];
        var kernels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < steps.Length; i++)
        {
            var node = graph.Nodes[i];
            int w = -1;
            if (node.Weight is not null && !weightIndex.TryGetValue(node.Weight.Name, out w))
            {
                w = weights.Count;
                weightIndex[node.Weight.Name] = w;
                weights.Add(node.Weight);
            }

            steps[i] = new ExecutableStep(
                node.Op,
                node.Inputs.Count > 0 ? plan.OffsetByValue[node.Inputs[0].Id] : -1,
                node.Inputs.Count > 1 ? plan.OffsetByValue[node.Inputs[1].Id] : -1,
                plan.OffsetByValue[node.Output.Id],
                node.Inputs.Count > 0 ? node.Inputs[0].Width : 0,
                node.Output.Width,
                w,
                node.Attributes,
                node.Output.Rows == RowSpace.None ? node.Inputs[0].Rows : node.Output.Rows);
            if (node.Op is not (OpKind.MatMul or OpKind.MatMulQuantized or OpKind.ExpertMatMul))
            {
                string key = node.Weight is null ? node.Op.ToString() : $"{node.Op}.{node.Weight.Type}";
                kernels[key] = KernelName(node, options.KernelIsa);
            }
        }

        var matMulKernels = KernelSelection.Run(graph, options, log);
        foreach (var stepKernels in matMulKernels)
        {
            // Matrices of one type but different shapes may take different kernels: the evidence lists each plan once.
            string key = $"{stepKernels.Op}.{stepKernels.Type}";
            string text = stepKernels.Describe();
            kernels[key] = !kernels.TryGetValue(key, out string? known) ? text
                : Array.IndexOf(known.Split(" | "), text) >= 0 ? known : $"{known} | {text}";
        }

        var groups = ProductGrouping.Run(graph, matMulKernels, options, log);
        string hash = Hash(graph, options);
        log.Write("lower", $"{steps.Length} kernel calls, {weights.Count} weights, hash {hash[..16]}");
        return new Executable(graph, steps, [.. weights], plan.ArenaFloats, options.MaxBatchTokens, options.MaxOutputRows,
            plan.OffsetByValue[graph.Output.Id], graph.Output.Width, kernels, matMulKernels, groups, hash, log, options);
    }

    // Ops whose kernel does not depend on the row count; matrix products get KernelSelection's per-bucket plan instead.
    private static string KernelName(Node node, string isa) => node.Op switch
    {
        OpKind.QuantizeActivations => $"quantize activations f32 → {Kernels.ActivationQuant.FormatFor(node.Weight!.Type)}",
        OpKind.Embed => $"dequantize-row {node.Weight!.Type} → f32",
        OpKind.Attention => $"{isa} attention f32 over paged f32 KV cache, GQA",
        OpKind.RmsNorm => $"{isa} rmsnorm f32",
        OpKind.HeadRmsNorm => $"{isa} rmsnorm f32 per head",
        _ => $"{isa} {node.Op.ToString().ToLowerInvariant()} f32",
    };

    private static string Hash(Graph graph, CompileOptions options)
    {
        var text = new StringBuilder(graph.ToText())
            .Append("weights ").AppendLine(options.WeightsIdentity)
            .Append("isa ").AppendLine(options.KernelIsa)
            .Append("mode ").AppendLine(options.Mode.ToString())
            .Append("batch-invariant ").AppendLine(options.BatchInvariant ? "yes" : "no")
            .Append("vnni ").AppendLine(options.Vnni ? "yes" : "no")
            .Append("capacity ").Append(options.MaxBatchTokens).Append(' ').Append(options.MaxOutputRows).AppendLine()
            .Append("context ").Append(options.ContextTokens).AppendLine();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
