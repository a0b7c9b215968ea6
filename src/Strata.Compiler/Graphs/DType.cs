// Element types of graph values; the numbering follows ONNX's TensorProto.DataType so imports map one to one, and GGML's
// quantized block types (the decoder's weights) follow at 1000 + their ggml number.
namespace Strata.Compiler.Graphs;

/// <summary>The element type of a tensor value (values as ONNX numbers them; persisted in executable hashes: append only).</summary>
public enum DType
{
    /// <summary>Not known (an unknown operator's output before the partitioner sees it).</summary>
    Unknown = 0,
    /// <summary>32-bit IEEE float.</summary>
    F32 = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    I8 = 3,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16 = 4,
    /// <summary>Signed 16-bit integer.</summary>
    I16 = 5,
    /// <summary>Signed 32-bit integer.</summary>
    I32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    I64 = 7,
    /// <summary>UTF-8 string.</summary>
    String = 8,
    /// <summary>Boolean, one byte.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE half.</summary>
    F16 = 10,
    /// <summary>64-bit IEEE double.</summary>
    F64 = 11,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64 = 13,
    /// <summary>Brain float 16.</summary>
    BF16 = 16,
    /// <summary>GGML block type Q4_0 (1000 + its ggml number, as every GGML block type below): 32 weights per block.</summary>
    GgmlQ4_0 = 1002,
    /// <summary>GGML Q4_1: 32 weights per block.</summary>
    GgmlQ4_1 = 1003,
    /// <summary>GGML Q5_0: 32 weights per block.</summary>
    GgmlQ5_0 = 1006,
    /// <summary>GGML Q5_1: 32 weights per block.</summary>
    GgmlQ5_1 = 1007,
    /// <summary>GGML Q8_0: 32 weights per block.</summary>
    GgmlQ8_0 = 1008,
    /// <summary>GGML Q8_1: 32 weights per block.</summary>
    GgmlQ8_1 = 1009,
    /// <summary>GGML K-quant Q2_K: 256 weights per block.</summary>
    GgmlQ2_K = 1010,
    /// <summary>GGML K-quant Q3_K: 256 weights per block.</summary>
    GgmlQ3_K = 1011,
    /// <summary>GGML K-quant Q4_K: 256 weights per block.</summary>
    GgmlQ4_K = 1012,
    /// <summary>GGML K-quant Q5_K: 256 weights per block.</summary>
    GgmlQ5_K = 1013,
    /// <summary>GGML K-quant Q6_K: 256 weights per block.</summary>
    GgmlQ6_K = 1014,
    /// <summary>GGML K-quant Q8_K: 256 weights per block.</summary>
    GgmlQ8_K = 1015,
}

/// <summary>Facts about <see cref="DType"/>.</summary>
public static class DTypes
{
    /// <summary>Bytes per element; 0 for types without a fixed size (string, unknown, GGML blocks).</summary>
    public static int Size(this DType type) => type switch
    {
        DType.F32 or DType.I32 or DType.U32 => 4,
        DType.I64 or DType.U64 or DType.F64 => 8,
        DType.F16 or DType.BF16 or DType.I16 or DType.U16 => 2,
        DType.U8 or DType.I8 or DType.Bool => 1,
        _ => 0,
    };

    /// <summary>Short lower-case name for logs: f32, i64, …</summary>
    public static string Text(this DType type) => type switch
    {
        DType.F32 => "f32",
        DType.F16 => "f16",
        DType.BF16 => "bf16",
        DType.F64 => "f64",
        DType.I64 => "i64",
        DType.I32 => "i32",
        DType.I16 => "i16",
        DType.I8 => "i8",
        DType.U64 => "u64",
        DType.U32 => "u32",
        DType.U16 => "u16",
        DType.U8 => "u8",
        DType.Bool => "bool",
        DType.String => "string",
        >= DType.GgmlQ4_0 and <= DType.GgmlQ8_K => type.ToString()[4..].ToLowerInvariant(),
        _ => "?",
    };
}
