// How the server gets an embedding model without knowing its runtime: the host passes the one opener in
// (strata serve passes Strata.OnnxRuntime's EmbeddingModels.Open), so Serving carries no ONNX Runtime natives.
using Strata.Engine.Embeddings;

namespace Strata.Serving;

/// <summary>Opens an embedding model as an <see cref="Embedder"/> (which the server then owns and disposes).</summary>
/// <param name="modelPath">the model file (a configured model whose path ends in .onnx)</param>
/// <param name="vocabularyPath">its vocabulary from the config; null = the opener's default (vocab.txt beside the model)</param>
/// <param name="threads">encoder threads (the config's threads; all cores when it says 0)</param>
public delegate Embedder EmbedderOpener(string modelPath, string? vocabularyPath, int threads);
