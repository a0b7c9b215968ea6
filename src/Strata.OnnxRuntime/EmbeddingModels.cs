// The one place an embedding model is opened, for the CLI and the server alike: Strata's compiled encoder by default
// (with ONNX Runtime for any node it has no kernel for, said in its compile log), or ONNX Runtime alone when asked.
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

    /// <summary>Opens the model and its vocabulary as an <see cref="Embedder"/> on Strata's compiled encoder.</summary>
    /// <param name="modelPath">the encoder (.onnx)</param>
    /// <param name="vocabularyPath">its WordPiece vocabulary; null = vocab.txt beside the model</param>
    /// <param name="threads">encoder threads (at least 1)</param>
    /// <exception cref="FileNotFoundException">The model or the vocabulary does not exist.</exception>
    /// <exception cref="InvalidDataException">The model is not a BERT-family encoder.</exception>
    public static Embedder Open(string modelPath, string? vocabularyPath, int threads) => Open(modelPath, vocabularyPath, threads, EmbeddingRuntime.Strata);

    /// <summary>Opens the model and its vocabulary as an <see cref="Embedder"/> (which owns the encoder) on <paramref name="runtime"/>.</summary>
    /// <exception cref="FileNotFoundException">The model or the vocabulary does not exist.</exception>
    /// <exception cref="InvalidDataException">The model is not a BERT-family encoder, or it cannot be compiled.</exception>
    public static Embedder Open(string modelPath, string? vocabularyPath, int threads, EmbeddingRuntime runtime)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"embedding model '{modelPath}' not found (expected a BERT-family encoder, .onnx)", modelPath);
        }

        if (modelPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            // A `bert` GGUF carries its vocabulary; Strata's compiler runs it (ONNX Runtime cannot).
            using var file = Engine.Artifacts.GgufFile.Open(modelPath);
            var ggufVocabulary = vocabularyPath is null ? BertInputBuilder.FromGguf(file) : BertInputBuilder.FromVocabulary(vocabularyPath);
            return new Embedder(ggufVocabulary, CompiledSentenceEncoder.OpenGguf(modelPath, threads));
        }

        var builder = BertInputBuilder.FromVocabulary(vocabularyPath ?? DefaultVocabulary(modelPath));
        return new Embedder(builder, runtime == EmbeddingRuntime.OnnxRuntime ? OnnxRuntimeSentenceEncoder.Open(modelPath, threads) : Compile(modelPath, threads));
    }

    private static CompiledSentenceEncoder Compile(string modelPath, int threads)
    {
        try
        {
            return CompiledSentenceEncoder.OpenOnnx(modelPath, threads, new OnnxRuntimeForeign(threads));
        }
        catch (Exception e) when (e is Compiler.Onnx.OnnxFormatException or Compiler.CompileException)
        {
            throw new InvalidDataException($"embedding model '{modelPath}' cannot be compiled: {e.Message}", e);
        }
    }
}

/// <summary>Which runtime encodes: Strata's compiled executable, or ONNX Runtime (the reference).</summary>
public enum EmbeddingRuntime
{
    /// <summary>Strata's graph compiler and runner (foreign partitions, if any, on ONNX Runtime).</summary>
    Strata = 0,
    /// <summary>ONNX Runtime runs the whole model.</summary>
    OnnxRuntime = 1,
}
