// GraphInput.Of views int64 values as bytes without copying them: the bytes are the elements of the range, and the
// memory pins to the range's first byte.
using System.Runtime.InteropServices;
using Strata.Engine.Graphs;

namespace Strata.Engine.Tests.Graphs;

public sealed unsafe class GraphInputTests
{
    [Fact]
    public void Of_ARangeOfTheValues_IsTheirBytesWithoutACopy()
    {
        long[] values = [10, -2, 300, 4];
        var input = GraphInput.Of([1, 2], values, 1, 2);

        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan(1, 2)).ToArray(), input.Bytes.ToArray());
        values[2] = 7;
        Assert.Equal(7L, MemoryMarshal.Cast<byte, long>(input.Bytes.Span)[1]);
        using var pin = input.Bytes.Pin();
        fixed (long* second = &values[1])
        {
            Assert.Equal((nint)second, (nint)pin.Pointer);
        }
    }

    [Fact]
    public void Of_ARangeOutsideTheValues_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GraphInput.Of([1, 3], new long[4], 2, 3));
    }
}
