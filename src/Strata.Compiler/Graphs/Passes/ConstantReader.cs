// Reads small integer constants (axes, shapes, slice bounds) that type rules and folding need as numbers.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Integer constants as longs.</summary>
internal static class ConstantReader
{
    /// <summary>The elements of an i64 or i32 constant <paramref name="value"/>.</summary>
    public static bool TryLongs(TensorValue? value, IReadOnlyDictionary<int, TensorData> constants, out long[] values)
    {
        values = [];
        if (value is null || !constants.TryGetValue(value.Id, out var data) || data.ElementCount > 1 << 16)
        {
            return false;
        }

        if (data.Type == DType.I64)
        {
            values = data.As<long>().ToArray();
            return true;
        }

        if (data.Type == DType.I32)
        {
            var ints = data.As<int>();
            values = new long[ints.Length];
            for (int i = 0; i < ints.Length; i++)
            {
                values[i] = ints[i];
            }

            return true;
        }

        return false;
    }

    /// <summary>The one element of a float constant (any shape holding one element).</summary>
    public static bool TryScalar(TensorValue? value, IReadOnlyDictionary<int, TensorData> constants, out float scalar)
    {
        scalar = 0;
        if (value is null || !constants.TryGetValue(value.Id, out var data) || data.ElementCount != 1)
        {
            return false;
        }

        scalar = data.Type switch
        {
            DType.F32 => data.As<float>()[0],
            DType.F64 => (float)data.As<double>()[0],
            DType.I64 => data.As<long>()[0],
            _ => float.NaN,
        };
        return !float.IsNaN(scalar);
    }
}
