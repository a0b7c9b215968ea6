// One GGUF metadata value: a scalar, a string, or a typed (possibly nested) array.
namespace Strata.Engine.Artifacts;

/// <summary>
/// A decoded metadata value. Scalars are held as long/ulong/double/bool/string; arrays as typed .NET arrays
/// (byte[], sbyte[], ushort[], short[], uint[], int[], float[], bool[], string[], ulong[], long[], double[])
/// or, for arrays of arrays, <see cref="GgufValue"/>[].
/// </summary>
public sealed class GgufValue
{
    private readonly object _value;

    internal GgufValue(GgufValueType type, object value, GgufValueType elementType = GgufValueType.UInt8)
    {
        Type = type;
        _value = value;
        ElementType = elementType;
    }

    /// <summary>The value's type tag.</summary>
    public GgufValueType Type { get; }

    /// <summary>For arrays, the element type tag.</summary>
    public GgufValueType ElementType { get; }

    /// <summary>The raw boxed value (scalar or array).</summary>
    public object Raw => _value;

    /// <summary>True for any integer type.</summary>
    public bool IsInteger => Type is GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.UInt16 or GgufValueType.Int16
        or GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.UInt64 or GgufValueType.Int64;

    /// <summary>Number of elements for an array, otherwise 1.</summary>
    public long Count => _value is Array a ? a.LongLength : 1;

    /// <summary>Reads an integer of any width as long; throws for other types or out-of-range u64.</summary>
    public bool TryGetInt64(out long value)
    {
        switch (_value)
        {
            case long l:
                value = l;
                return true;
            case ulong u when u <= long.MaxValue:
                value = (long)u;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Reads a float32/float64 (or an integer) as double.</summary>
    public bool TryGetDouble(out double value)
    {
        switch (_value)
        {
            case double d:
                value = d;
                return true;
            case long l:
                value = l;
                return true;
            case ulong u:
                value = u;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Reads a string value.</summary>
    public bool TryGetString(out string value)
    {
        value = _value as string ?? string.Empty;
        return _value is string;
    }

    /// <summary>Reads a bool value.</summary>
    public bool TryGetBool(out bool value)
    {
        value = _value is bool b && b;
        return _value is bool;
    }

    /// <summary>Returns the array as T[] when its element type maps to T.</summary>
    public bool TryGetArray<T>(out T[] values)
    {
        if (_value is T[] typed)
        {
            values = typed;
            return true;
        }

        values = [];
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => _value switch
    {
        string s => s.Length > 64 ? string.Concat(s.AsSpan(0, 61), "...") : s,
        Array a => $"[{ElementType} x {a.LongLength}]",
        _ => Convert.ToString(_value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
