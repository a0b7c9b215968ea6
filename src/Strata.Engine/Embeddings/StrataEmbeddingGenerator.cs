// Microsoft.Extensions.AI's IEmbeddingGenerator over an Embedder: Strata's embeddings for any M.E.AI consumer.
using Microsoft.Extensions.AI;

namespace Strata.Engine.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings over an <see cref="Embedder"/>: one
/// <see cref="Embedding{T}"/> per value, in order, with usage (input tokens). Does not own the embedder.
/// </summary>
public sealed class StrataEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Embedder _embedder;
    private readonly string _modelId;

    /// <summary>Generates with <paramref name="embedder"/>, naming the model <paramref name="modelId"/>.</summary>
    public StrataEmbeddingGenerator(Embedder embedder, string modelId)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        _embedder = embedder;
        _modelId = modelId;
        Metadata = new EmbeddingGeneratorMetadata("strata", null, modelId, embedder.Dimensions);
    }

    /// <summary>Provider "strata", the model id and the embedding width.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">No values, an empty one, or options asking for other dimensions than the model's.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != _embedder.Dimensions)
        {
            throw new ArgumentException($"This model's embeddings have {_embedder.Dimensions} dimensions; {dimensions} were asked.", nameof(options));
        }

        if (options?.ModelId is { } asked && asked != _modelId)
        {
            throw new ArgumentException($"This generator serves model '{_modelId}'; '{asked}' was asked.", nameof(options));
        }

        EmbeddingResult result = await _embedder.EmbedAsync([.. values], cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new List<Embedding<float>>(result.Embeddings.Length);
        foreach (float[] vector in result.Embeddings)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = _modelId, CreatedAt = created });
        }

        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = result.PromptTokens, TotalTokenCount = result.PromptTokens },
        };
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(Embedder) ? _embedder
        : null;

    /// <summary>Nothing to release: the embedder belongs to whoever created it.</summary>
    public void Dispose()
    {
    }
}
