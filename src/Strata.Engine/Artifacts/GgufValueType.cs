// GGUF metadata value types, numbered as in the GGUF specification.
namespace Strata.Engine.Artifacts;

/// <summary>Type tag of a GGUF metadata value.</summary>
public enum GgufValueType : uint
{
    /// <summary>unsigned 8-bit</summary>
    UInt8 = 0,
    /// <summary>signed 8-bit</summary>
    Int8 = 1,
    /// <summary>unsigned 16-bit</summary>
    UInt16 = 2,
    /// <summary>signed 16-bit</summary>
    Int16 = 3,
    /// <summary>unsigned 32-bit</summary>
    UInt32 = 4,
    /// <summary>signed 32-bit</summary>
    Int32 = 5,
    /// <summary>32-bit float</summary>
    Float32 = 6,
    /// <summary>boolean byte (0 or 1)</summary>
    Bool = 7,
    /// <summary>UTF-8 string with a u64 length</summary>
    String = 8,
    /// <summary>typed array with a u64 count</summary>
    Array = 9,
    /// <summary>unsigned 64-bit</summary>
    UInt64 = 10,
    /// <summary>signed 64-bit</summary>
    Int64 = 11,
    /// <summary>64-bit float</summary>
    Float64 = 12,
}
