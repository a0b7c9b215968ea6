// One fed input of a graph run: its sizes and its bytes, little-endian, in the element type the graph declares.
namespace Strata.Engine.Graphs;

/// <summary>A graph input for <see cref="GraphRunner.Run"/>.</summary>
/// <param name="Shape">sizes</param>
/// <param name="Bytes">elements, densely packed</param>
public readonly record struct GraphInput(long[] Shape, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>An int64 tensor over <paramref name="values"/> (not copied: it must not change until the run has read it).</summary>
    public static GraphInput Of(long[] shape, long[] values) => Of(shape, values, 0, values.Length);

    /// <summary>An int64 tensor over <paramref name="length"/> elements of <paramref name="values"/> from <paramref name="start"/> (not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside <paramref name="values"/></exception>
    public static GraphInput Of(long[] shape, long[] values, int start, int length) => new(shape, new Int64ArrayBytes(values, start, length).Memory);
}
