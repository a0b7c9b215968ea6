// ONNX Runtime running a BERT-family encoder (input_ids, attention_mask, token_type_ids → last_hidden_state):
// the reference that Strata's own executable is checked and timed against.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Strata.OnnxRuntime;

/// <summary>
/// An ONNX Runtime inference session over an encoder model, configured as the issue-20 goldens were made:
/// <c>IntraOpNumThreads</c> = the given count, <c>InterOpNumThreads</c> = 1, sequential execution,
/// <c>ORT_ENABLE_ALL</c> graph optimisations.
/// </summary>
public sealed class OnnxRuntimeEncoder : IDisposable
{
    /// <summary>The input names the model must declare, in feed order.</summary>
    public static readonly IReadOnlyList<string> InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    /// <summary>The output read: (batch, sequence, hidden) float.</summary>
    public const string OutputName = "last_hidden_state";

    private static readonly string[] OutputNames = [OutputName];
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private OnnxRuntimeEncoder(InferenceSession session, int hiddenSize, int intraOpThreads)
    {
        _session = session;
        HiddenSize = hiddenSize;
        IntraOpThreads = intraOpThreads;
    }

    /// <summary>Width of one token vector of last_hidden_state (384 for all-MiniLM-L6-v2).</summary>
    public int HiddenSize { get; }

    /// <summary>Threads ONNX Runtime uses inside one operator.</summary>
    public int IntraOpThreads { get; }

    /// <summary>The ONNX Runtime version of the loaded native library.</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>Opens <paramref name="modelPath"/> and checks it has the encoder's inputs and output.</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">The model lacks an expected input or output, or its hidden size is not fixed.</exception>
    public static OnnxRuntimeEncoder Open(string modelPath, int intraOpThreads)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intraOpThreads);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model '{modelPath}' not found.", modelPath);
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var session = new InferenceSession(modelPath, options);
        try
        {
            return new OnnxRuntimeEncoder(session, CheckSignature(session, modelPath), intraOpThreads);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs one batch; returns last_hidden_state, (batch, sequence, hidden), in a new array.</summary>
    public float[] Run(EncoderFeeds feeds)
    {
        var lastHiddenState = new float[feeds.ElementCount * HiddenSize];
        Run(feeds, lastHiddenState);
        return lastHiddenState;
    }

    /// <summary>
    /// Runs one batch and copies last_hidden_state, (batch, sequence, hidden), into <paramref name="lastHiddenState"/>.
    /// The feeds are wrapped in place (no copy of the inputs).
    /// </summary>
    /// <exception cref="ArgumentException">An input array or the destination has the wrong length.</exception>
    public void Run(EncoderFeeds feeds, Span<float> lastHiddenState)
    {
        CheckFeeds(feeds, lastHiddenState.Length);
        long[] shape = [feeds.BatchSize, feeds.SequenceLength];
        using OrtValue inputIds = OrtValue.CreateTensorValueFromMemory(feeds.InputIds, shape);
        using OrtValue attentionMask = OrtValue.CreateTensorValueFromMemory(feeds.AttentionMask, shape);
        using OrtValue tokenTypeIds = OrtValue.CreateTensorValueFromMemory(feeds.TokenTypeIds, shape);
        OrtValue[] inputs = [inputIds, attentionMask, tokenTypeIds];
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(_runOptions, (IReadOnlyCollection<string>)InputNames, inputs, OutputNames);
        outputs[0].GetTensorDataAsSpan<float>().CopyTo(lastHiddenState);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void CheckFeeds(EncoderFeeds feeds, int destinationLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(feeds.BatchSize, nameof(feeds));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(feeds.SequenceLength, nameof(feeds));
        int expected = feeds.ElementCount;
        if (feeds.InputIds?.Length != expected || feeds.AttentionMask?.Length != expected || feeds.TokenTypeIds?.Length != expected)
        {
            throw new ArgumentException(
                $"Each input must hold batch {feeds.BatchSize} × sequence {feeds.SequenceLength} = {expected} ids; got input_ids {feeds.InputIds?.Length}, attention_mask {feeds.AttentionMask?.Length}, token_type_ids {feeds.TokenTypeIds?.Length}.",
                nameof(feeds));
        }

        if (destinationLength != expected * HiddenSize)
        {
            throw new ArgumentException($"last_hidden_state needs {expected} × {HiddenSize} = {expected * HiddenSize} floats; the destination holds {destinationLength}.", nameof(feeds));
        }
    }

    private static int CheckSignature(InferenceSession session, string modelPath)
    {
        foreach (string name in InputNames)
        {
            if (!session.InputMetadata.TryGetValue(name, out NodeMetadata? input) || input.ElementDataType != TensorElementType.Int64)
            {
                throw new InvalidDataException(
                    $"ONNX model '{modelPath}': expected an int64 input '{name}'; the model's inputs are {string.Join(", ", session.InputMetadata.Keys)}.");
            }
        }

        if (!session.OutputMetadata.TryGetValue(OutputName, out NodeMetadata? output) || output.Dimensions.Length != 3 || output.Dimensions[2] <= 0)
        {
            throw new InvalidDataException(
                $"ONNX model '{modelPath}': expected an output '{OutputName}' of shape (batch, sequence, hidden) with a fixed hidden size; the model's outputs are {string.Join(", ", session.OutputMetadata.Keys)}.");
        }

        return output.Dimensions[2];
    }
}
