// One fed input of a graph run: its sizes and its bytes, little-endian, in the element type the graph declares.
namespace Strata.Engine.Graphs;

/// <summary>A graph input for <see cref="GraphRunner.Run"/>.</summary>
/// <param name="Shape">sizes</param>
/// <param name="Bytes">elements, densely packed</param>
public readonly record struct GraphInput(long[] Shape, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>An int64 tensor.</summary>
    public static GraphInput Of(long[] shape, long[] values) =>
        new(shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
