// One served embedding model: its name, file, version hash and the Embedder that runs it.
using Strata.Engine.Embeddings;

namespace Strata.Serving;

/// <summary>An embedding model the server serves on POST /v1/embeddings.</summary>
internal sealed class EmbeddingModel(string name, string path, string fileSha256, Embedder embedder) : IDisposable
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    /// <summary>SHA-256 of the model file at load (the model version in evidence).</summary>
    public string FileSha256 { get; } = fileSha256;

    public Embedder Embedder { get; } = embedder;

    /// <summary>Opens <paramref name="config"/>'s model with <paramref name="opener"/>.</summary>
    /// <exception cref="ArgumentException">no opener was given to the server</exception>
    public static EmbeddingModel Open(ModelConfig config, EmbedderOpener? opener, int threads)
    {
        if (opener is null)
        {
            throw new ArgumentException(
                $"model '{config.Name}' ({config.Path}) is an embedding model, and this server was started without an embedding runtime "
                + "(ServerExtension.OpenEmbedder; strata serve gives it ONNX Runtime)");
        }

        Embedder embedder = opener(config.Path, config.Vocab, threads);
        try
        {
            return new EmbeddingModel(config.Name, config.Path, Strata.Evidence.EvidenceHash.Sha256HexOfFile(config.Path), embedder);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    public void Dispose() => Embedder.Dispose();
}
