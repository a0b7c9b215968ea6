// The architectures `strata synth` can write, by name.
namespace Strata.Engine.Synthesis.Architectures;

/// <summary>Registry of the per-architecture writers.</summary>
internal static class SynthArchitectures
{
    private static readonly SynthArchitecture[] All =
    [
        new LlamaArchitecture(),
        new Qwen2Architecture(),
        new Qwen3Architecture(),
        new Qwen3MoeArchitecture(),
        new Gemma2Architecture(),
        new Gemma3Architecture(),
        new Phi3Architecture(),
        new BertArchitecture(),
    ];

    /// <summary>Every architecture name.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(All, a => a.Name);

    /// <summary>The writer for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">no such architecture; the message lists the known ones</exception>
    public static SynthArchitecture Get(string name)
    {
        foreach (var architecture in All)
        {
            if (architecture.Name == name)
            {
                return architecture;
            }
        }

        throw new ArgumentException($"architecture '{name}' is not one of: {string.Join(", ", Names)}");
    }
}
