// ONNX Runtime as the compiler's foreign runtime: it runs the partitions of nodes Strata has no kernel for, over tensors
// that live in the Strata runner's arena (inputs wrapped in place; outputs copied back after a shape check).
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Strata.Compiler;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.OnnxRuntime;

/// <summary>Loads partitions into ONNX Runtime sessions (CPU, <paramref name="intraOpThreads"/> threads).</summary>
public sealed class OnnxRuntimeForeign(int intraOpThreads) : IForeignRuntime
{
    /// <inheritdoc/>
    public string Describe => $"onnxruntime {OrtEnv.Instance().GetVersionString()}";

    /// <inheritdoc/>
    public IForeignPartition Load(ForeignPartition partition)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, intraOpThreads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new Partition(new InferenceSession(partition.Model, options), partition);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CompileException($"ONNX Runtime cannot load partition {partition.Index} [{string.Join(", ", partition.Operators)}]: {e.Message}", e);
        }
        finally
        {
            options.Dispose();
        }
    }

    private sealed unsafe class Partition : IForeignPartition
    {
        private readonly InferenceSession _session;
        private readonly string[] _inputNames;
        private readonly string[] _outputNames;

        public Partition(InferenceSession session, ForeignPartition partition)
        {
            _session = session;
            _inputNames = [.. partition.Inputs.Select(ForeignPartition.NameOf)];
            _outputNames = [.. partition.Outputs.Select(ForeignPartition.NameOf)];
            var types = new List<(DType, TensorShape?)>();
            foreach (string name in _outputNames)
            {
                var meta = session.OutputMetadata[name];
                types.Add((TypeOf(meta.ElementDataType), ShapeOf(meta)));
            }

            OutputTypes = types;
        }

        public IReadOnlyList<(DType Type, TensorShape? Shape)> OutputTypes { get; }

        public void Run(ReadOnlySpan<ForeignTensor> inputs, ReadOnlySpan<ForeignTensor> outputs)
        {
            var values = new OrtValue[inputs.Length];
            try
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    var t = inputs[i];
                    values[i] = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ElementOf(t.Type), t.Shape, t.Address, t.ByteLength);
                }

                using var runOptions = new RunOptions();
                using var results = _session.Run(runOptions, _inputNames, values, _outputNames);
                for (int i = 0; i < outputs.Length; i++)
                {
                    var info = results[i].GetTensorTypeAndShape();
                    if (!info.Shape.AsSpan().SequenceEqual(outputs[i].Shape))
                    {
                        throw new InvalidOperationException($"partition output {_outputNames[i]} is [{string.Join(", ", info.Shape)}]; the plan expected [{string.Join(", ", outputs[i].Shape)}]");
                    }

                    var bytes = results[i].GetTensorDataAsSpan<byte>();
                    if (bytes.Length > outputs[i].ByteLength)
                    {
                        throw new InvalidOperationException($"partition output {_outputNames[i]} needs {bytes.Length} bytes; its slot holds {outputs[i].ByteLength}");
                    }

                    bytes.CopyTo(new Span<byte>((void*)outputs[i].Address, bytes.Length));
                }
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidOperationException($"ONNX Runtime failed in a partition: {e.Message}", e);
            }
            finally
            {
                foreach (var v in values)
                {
                    v?.Dispose();
                }
            }
        }

        public void Dispose() => _session.Dispose();

        private static TensorShape? ShapeOf(NodeMetadata meta)
        {
            if (meta.Dimensions is null)
            {
                return null;
            }

            var dims = new Dim[meta.Dimensions.Length];
            for (int d = 0; d < dims.Length; d++)
            {
                dims[d] = meta.Dimensions[d] >= 0 ? Dim.Of(meta.Dimensions[d]) : ParseDim(meta.SymbolicDimensions[d]);
            }

            return new TensorShape(dims);
        }

        // The partition's inputs name their dims as Dim.ToString writes them ("batch", "12*sequence"); a name ORT made up is unknown.
        private static Dim ParseDim(string text)
        {
            if (string.IsNullOrEmpty(text) || text.StartsWith("unk__", StringComparison.Ordinal))
            {
                return Dim.Unknown;
            }

            var dim = Dim.Of(1);
            foreach (string part in text.Split('*'))
            {
                dim = dim.Times(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? Dim.Of(n) : Dim.Symbol(part));
            }

            return dim;
        }

        private static DType TypeOf(TensorElementType type) => (DType)(int)type;

        private static TensorElementType ElementOf(DType type) => (TensorElementType)(int)type;
    }
}
