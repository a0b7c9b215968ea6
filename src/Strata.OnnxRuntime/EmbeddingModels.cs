// The one place an embedding model is opened, for the CLI and the server alike: when Strata's compiled encoder
// arrives, it is chosen here and nowhere else.
using Strata.Engine.Embeddings;

namespace Strata.OnnxRuntime;

/// <summary>Opens embedding models (BERT-family .onnx encoders with a WordPiece vocab.txt).</summary>
public static class EmbeddingModels
{
    /// <summary>The vocabulary file name looked for beside the model when none is given.</summary>
    public const string DefaultVocabularyName = "vocab.txt";

    /// <summary>Whether <paramref name="modelPath"/> names an embedding model (an ONNX file).</summary>
    public static bool IsEmbeddingModel(string modelPath) => modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary><see cref="DefaultVocabularyName"/> in the model's folder.</summary>
    public static string DefaultVocabulary(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", DefaultVocabularyName);

    /// <summary>Opens the model and its vocabulary as an <see cref="Embedder"/> (which owns the encoder).</summary>
    /// <param name="modelPath">the encoder (.onnx)</param>
    /// <param name="vocabularyPath">its WordPiece vocabulary; null = vocab.txt beside the model</param>
    /// <param name="threads">encoder threads (at least 1)</param>
    /// <exception cref="FileNotFoundException">The model or the vocabulary does not exist.</exception>
    /// <exception cref="InvalidDataException">The model is not a BERT-family encoder.</exception>
    public static Embedder Open(string modelPath, string? vocabularyPath, int threads)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"embedding model '{modelPath}' not found (expected a BERT-family encoder, .onnx)", modelPath);
        }

        var builder = BertInputBuilder.FromVocabulary(vocabularyPath ?? DefaultVocabulary(modelPath));
        return new Embedder(builder, OnnxRuntimeSentenceEncoder.Open(modelPath, threads));
    }
}
