// The seam to a foreign graph runtime (ONNX Runtime): it loads the partitions the compiler could not give Strata kernels,
// reports their outputs' types, and runs them over tensors the Strata runner owns.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>A runtime that runs <see cref="ForeignPartition"/>s (Strata.OnnxRuntime provides ONNX Runtime's).</summary>
public interface IForeignRuntime
{
    /// <summary>Name and version for the compile log, the hash and evidence, e.g. "onnxruntime 1.32.0".</summary>
    string Describe { get; }

    /// <summary>Loads a partition (an ONNX model of its nodes).</summary>
    /// <exception cref="CompileException">the runtime cannot load it</exception>
    IForeignPartition Load(ForeignPartition partition);
}

/// <summary>A loaded partition.</summary>
public interface IForeignPartition : IDisposable
{
    /// <summary>Element type and shape of each output as the runtime infers them (dims named as the partition's inputs name theirs).</summary>
    IReadOnlyList<(DType Type, TensorShape? Shape)> OutputTypes { get; }

    /// <summary>Runs the partition: reads <paramref name="inputs"/>, writes <paramref name="outputs"/> (each shaped as its Shape says).</summary>
    /// <exception cref="InvalidOperationException">the runtime failed, or an output's shape is not the one expected</exception>
    void Run(ReadOnlySpan<ForeignTensor> inputs, ReadOnlySpan<ForeignTensor> outputs);
}

/// <summary>A tensor the runner hands a foreign runtime: element type, sizes, and where its bytes lie.</summary>
/// <param name="Type">element type</param>
/// <param name="Shape">sizes</param>
/// <param name="Address">first byte</param>
/// <param name="ByteLength">bytes the buffer holds (at least the shape's)</param>
public readonly record struct ForeignTensor(DType Type, long[] Shape, nint Address, long ByteLength);

/// <summary>One partition: nodes without a Strata kernel, as an ONNX model whose inputs and outputs are graph values.</summary>
/// <param name="Index">partition number in the executable</param>
/// <param name="Model">the serialized ONNX ModelProto of its nodes (with the constants they read as initializers)</param>
/// <param name="Inputs">values it reads, in the model's input order (graph inputs or earlier nodes' outputs)</param>
/// <param name="Outputs">values it produces that later nodes or the graph outputs read</param>
/// <param name="Operators">the operators it holds ("domain.op" for foreign domains), for the log and evidence</param>
/// <param name="NodeCount">number of nodes</param>
public sealed record ForeignPartition(int Index, byte[] Model, IReadOnlyList<TensorValue> Inputs, IReadOnlyList<TensorValue> Outputs,
    IReadOnlyList<string> Operators, int NodeCount)
{
    /// <summary>The name a value has in the partition model (its inputs and outputs are named so).</summary>
    public static string NameOf(TensorValue value) => PartitionModelWriter.ValueName(value);
}
