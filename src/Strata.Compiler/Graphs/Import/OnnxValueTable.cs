// The values of a graph being imported: ONNX value names → ids, with the types value_info and the graph declare.
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Graphs.Import;

/// <summary>Gives each ONNX value name one <see cref="TensorValue"/> with a fresh id.</summary>
internal sealed class OnnxValueTable
{
    private readonly Dictionary<string, TensorValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValueType> _declared = new(StringComparer.Ordinal);

    public OnnxValueTable(IReadOnlyList<OnnxValueInfo> valueInfo)
    {
        foreach (var v in valueInfo)
        {
            _declared[v.Name] = v.Type;
        }
    }

    /// <summary>An id no value has yet.</summary>
    public int NextId { get; private set; }

    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>A graph input with its declared type.</summary>
    public TensorValue Define(string name, OnnxValueType type) => Add(name, DTypeOf(type.ElementType), Shape(type));

    /// <summary>A constant value (type and shape of its data).</summary>
    public TensorValue DefineConstant(string name, TensorData data) => Add(name, data.Type, data.Shape);

    /// <summary>A node output, typed by value_info when the model declares it (an omitted output gets a fresh anonymous value).</summary>
    public TensorValue DefineOutput(string name)
    {
        if (name.Length == 0)
        {
            return new TensorValue(NextId++, string.Empty, DType.Unknown, null);
        }

        return _declared.TryGetValue(name, out var type) ? Add(name, DTypeOf(type.ElementType), Shape(type)) : Add(name, DType.Unknown, null);
    }

    /// <summary>A graph output: the value of that name, given the declared type while nothing better is known.</summary>
    public TensorValue Declare(string name, OnnxValueType type)
    {
        var value = _values[name];
        return value.Type == DType.Unknown && value.Shape is null ? value.With(DTypeOf(type.ElementType), Shape(type)) : value;
    }

    /// <summary>The value a node input names (the validator has checked that it is defined).</summary>
    public TensorValue Use(string name, OnnxNode node) =>
        _values.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"{node}: input '{name}' is not defined before it");

    public static DType DTypeOf(OnnxDataType type) => (int)type is >= 1 and <= 13 or 16 ? (DType)(int)type : DType.Unknown;

    /// <summary>dim_value → fixed, dim_param → symbol, neither → unknown; no shape → unknown rank.</summary>
    public static TensorShape? Shape(OnnxValueType type)
    {
        if (type.Kind != OnnxValueKind.Tensor || type.Shape is null)
        {
            return null;
        }

        var dims = new Dim[type.Shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = type.Shape[i];
            dims[i] = d.Value is { } size ? Dim.Of(size) : d.Param is { } param && IsSymbolName(param) ? Dim.Symbol(param) : Dim.Unknown;
        }

        return new TensorShape(dims);
    }

    private static bool IsSymbolName(string name) => name.IndexOfAny(['*', '?', ' ']) < 0;

    private TensorValue Add(string name, DType type, TensorShape? shape)
    {
        var value = new TensorValue(NextId++, name, type, shape);
        _values[name] = value;
        return value;
    }
}
