// The graph builder of each decoder architecture Strata runs, by GGUF general.architecture.
using Strata.Compiler.Graphs;

namespace Strata.Compiler.Builders;

/// <summary>Architecture name → family builder.</summary>
public static class DecoderBuilders
{
    private static readonly Dictionary<string, Func<DecoderSpec, int, OpGraph>> ByArchitecture = new(StringComparer.Ordinal)
    {
        ["llama"] = LlamaGraphBuilder.Build,
        ["mistral"] = LlamaGraphBuilder.Build,
        ["qwen2"] = LlamaGraphBuilder.Build,
        ["qwen3"] = Qwen3GraphBuilder.Build,
        ["qwen3moe"] = Qwen3GraphBuilder.Build,
        ["gemma2"] = GemmaGraphBuilder.Build,
        ["gemma3"] = GemmaGraphBuilder.Build,
        ["phi3"] = Phi3GraphBuilder.Build,
    };

    /// <summary>The architectures a graph can be built for, in a stable order.</summary>
    public static IReadOnlyList<string> Architectures { get; } = [.. ByArchitecture.Keys];

    /// <summary>Builds <paramref name="spec"/>'s decoder for sequences of up to <paramref name="contextTokens"/> positions.</summary>
    /// <exception cref="CompileException">the architecture is unknown, or the spec does not describe a decoder its builder can emit</exception>
    public static OpGraph Build(DecoderSpec spec, int contextTokens)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ByArchitecture.TryGetValue(spec.Architecture, out var build)
            ? build(spec, contextTokens)
            : throw new CompileException($"architecture '{spec.Architecture}' has no graph builder; Strata builds: {string.Join(", ", Architectures)}");
    }
}
