// GgufFile.Open against hand-built files: every value type, nested arrays, versions, alignment and each malformed field.
#pragma warning disable CA1861 // expected-value array literals in assertions run once
using System.Diagnostics;
using Strata.Engine.Artifacts;
using Strata.Kernels;
using V = Strata.Engine.Tests.Artifacts.GgufBuilderValue;

namespace Strata.Engine.Tests.Artifacts;

public sealed class GgufFileTests
{
    private static T WithOpened<T>(GgufBuilder builder, Func<GgufFile, T> inspect)
    {
        using var temp = builder.WriteTemp();
        using var file = GgufFile.Open(temp.Path);
        return inspect(file);
    }

    private static GgufValue Value(GgufBuilder builder, string key) => WithOpened(builder, f =>
    {
        Assert.True(f.TryGetValue(key, out var value), $"key '{key}' missing");
        return value;
    });

    private static ModelFormatException Rejects(byte[] bytes, params string[] mustContain)
    {
        using var temp = new TempGguf(bytes);
        var e = Assert.Throws<ModelFormatException>(() => GgufFile.Open(temp.Path).Dispose());
        Assert.Contains(Path.GetFileName(temp.Path), e.Message);
        foreach (string s in mustContain)
        {
            Assert.Contains(s, e.Message);
        }

        return e;
    }

    private static ModelFormatException Rejects(GgufBuilder builder, params string[] mustContain) => Rejects(builder.Build(), mustContain);

    [Fact]
    public void Open_EveryScalarType_RoundTripsThroughAccessors()
    {
        var b = new GgufBuilder()
            .Add("u8", V.U8(250)).Add("i8", V.I8(-7)).Add("u16", V.U16(65535)).Add("i16", V.I16(-32768))
            .Add("u32", V.U32(4_000_000_000)).Add("i32", V.I32(int.MinValue)).Add("u64", V.U64(ulong.MaxValue))
            .Add("u64small", V.U64(42)).Add("i64", V.I64(long.MinValue)).Add("f32", V.F32(1.5f)).Add("f64", V.F64(-2.25e300))
            .Add("t", V.Bool(true)).Add("f", V.Bool(false)).Add("s", V.Str("héllo ✓")).Add("empty", V.Str(string.Empty));

        WithOpened(b, f =>
        {
            Assert.Equal(15, f.Metadata.Count);
            AssertInteger(f, "u8", GgufValueType.UInt8, 250);
            AssertInteger(f, "i8", GgufValueType.Int8, -7);
            AssertInteger(f, "u16", GgufValueType.UInt16, 65535);
            AssertInteger(f, "i16", GgufValueType.Int16, -32768);
            AssertInteger(f, "u32", GgufValueType.UInt32, 4_000_000_000);
            AssertInteger(f, "i32", GgufValueType.Int32, int.MinValue);
            AssertInteger(f, "u64small", GgufValueType.UInt64, 42);
            AssertInteger(f, "i64", GgufValueType.Int64, long.MinValue);

            Assert.True(f.TryGetValue("u64", out var big));
            Assert.Equal(GgufValueType.UInt64, big.Type);
            Assert.False(big.TryGetInt64(out _));
            Assert.Equal(ulong.MaxValue, (ulong)big.Raw);
            Assert.True(big.TryGetDouble(out double bigDouble));
            Assert.Equal((double)ulong.MaxValue, bigDouble);

            Assert.Equal(1.5, f.GetDouble("f32", 0));
            Assert.Equal(GgufValueType.Float32, f.Metadata["f32"].Type);
            Assert.False(f.Metadata["f32"].TryGetInt64(out _));
            Assert.Equal(-2.25e300, f.GetDouble("f64", 0));
            Assert.Equal(GgufValueType.Float64, f.Metadata["f64"].Type);

            Assert.True(f.Metadata["t"].TryGetBool(out bool t) && t);
            Assert.True(f.Metadata["f"].TryGetBool(out bool fl) && !fl);
            Assert.Equal(GgufValueType.Bool, f.Metadata["t"].Type);
            Assert.False(f.Metadata["t"].TryGetString(out _));

            Assert.Equal("héllo ✓", f.GetString("s"));
            Assert.Equal(string.Empty, f.GetString("empty"));
            Assert.False(f.Metadata["s"].TryGetInt64(out _));
            Assert.False(f.Metadata["s"].IsInteger);
            Assert.Equal(1, f.Metadata["s"].Count);
            return 0;
        });
    }

    private static void AssertInteger(GgufFile f, string key, GgufValueType type, long expected)
    {
        Assert.True(f.TryGetValue(key, out var v));
        Assert.Equal(type, v.Type);
        Assert.True(v.IsInteger);
        Assert.True(v.TryGetInt64(out long actual));
        Assert.Equal(expected, actual);
        Assert.Equal(expected, f.GetInteger(key));
        Assert.True(v.TryGetDouble(out double asDouble));
        Assert.Equal((double)expected, asDouble);
        Assert.False(v.TryGetBool(out _));
    }

    [Fact]
    public void Open_ArrayOfEachType_RoundTripsAsTypedArrays()
    {
        var b = new GgufBuilder()
            .Add("u8", V.Array(GgufValueType.UInt8, (byte)1, (byte)255))
            .Add("i8", V.Array(GgufValueType.Int8, (sbyte)-1, (sbyte)127))
            .Add("u16", V.Array(GgufValueType.UInt16, (ushort)1, (ushort)65535))
            .Add("i16", V.Array(GgufValueType.Int16, (short)-2, (short)3))
            .Add("u32", V.Array(GgufValueType.UInt32, 1u, uint.MaxValue))
            .Add("i32", V.Array(GgufValueType.Int32, -5, int.MaxValue))
            .Add("u64", V.Array(GgufValueType.UInt64, 7ul, ulong.MaxValue))
            .Add("i64", V.Array(GgufValueType.Int64, long.MinValue, 9L))
            .Add("f32", V.Array(GgufValueType.Float32, 0.5f, -1f, float.PositiveInfinity))
            .Add("f64", V.Array(GgufValueType.Float64, 0.25, double.MaxValue))
            .Add("bool", V.Array(GgufValueType.Bool, true, false, true))
            .Add("str", V.Array(GgufValueType.String, "a", string.Empty, "ünï"))
            .Add("none", V.Array(GgufValueType.Int32));

        WithOpened(b, f =>
        {
            AssertArray(f, "u8", GgufValueType.UInt8, new byte[] { 1, 255 });
            AssertArray(f, "i8", GgufValueType.Int8, new sbyte[] { -1, 127 });
            AssertArray(f, "u16", GgufValueType.UInt16, new ushort[] { 1, 65535 });
            AssertArray(f, "i16", GgufValueType.Int16, new short[] { -2, 3 });
            AssertArray(f, "u32", GgufValueType.UInt32, new[] { 1u, uint.MaxValue });
            AssertArray(f, "i32", GgufValueType.Int32, new[] { -5, int.MaxValue });
            AssertArray(f, "u64", GgufValueType.UInt64, new[] { 7ul, ulong.MaxValue });
            AssertArray(f, "i64", GgufValueType.Int64, new[] { long.MinValue, 9L });
            AssertArray(f, "f32", GgufValueType.Float32, new[] { 0.5f, -1f, float.PositiveInfinity });
            AssertArray(f, "f64", GgufValueType.Float64, new[] { 0.25, double.MaxValue });
            AssertArray(f, "bool", GgufValueType.Bool, new[] { true, false, true });
            AssertArray(f, "str", GgufValueType.String, new[] { "a", string.Empty, "ünï" });
            AssertArray(f, "none", GgufValueType.Int32, Array.Empty<int>());
            Assert.False(f.Metadata["u32"].TryGetArray(out float[] _)); // (uint[] "is" int[] under CLR array covariance, so that pair is not asserted)
            Assert.False(f.Metadata["u32"].TryGetInt64(out _));
            Assert.Equal("[Float32 x 3]", f.Metadata["f32"].ToString());
            return 0;
        });
    }

    private static void AssertArray<T>(GgufFile f, string key, GgufValueType elementType, T[] expected)
    {
        var v = f.Metadata[key];
        Assert.Equal(GgufValueType.Array, v.Type);
        Assert.Equal(elementType, v.ElementType);
        Assert.Equal(expected.Length, v.Count);
        Assert.True(v.TryGetArray(out T[] actual), $"'{key}' is not {typeof(T).Name}[] but {v.Raw.GetType().Name}");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Open_ArrayOfArraysOfStrings_RoundTripsNested()
    {
        var b = new GgufBuilder().Add("nested", V.Array(GgufValueType.Array,
            V.Array(GgufValueType.String, "a", "bc"),
            V.Array(GgufValueType.String),
            V.Array(GgufValueType.String, "déf")));
        var value = Value(b, "nested");

        Assert.Equal(GgufValueType.Array, value.ElementType);
        Assert.True(value.TryGetArray(out GgufValue[] rows));
        Assert.Equal(3, rows.Length);
        Assert.True(rows[0].TryGetArray(out string[] first));
        Assert.Equal(["a", "bc"], first);
        Assert.True(rows[1].TryGetArray(out string[] second));
        Assert.Empty(second);
        Assert.True(rows[2].TryGetArray(out string[] third));
        Assert.Equal(["déf"], third);
    }

    [Fact]
    public void Open_ArraysNestedNineDeep_ThrowsNamingKey()
    {
        var inner = V.Array(GgufValueType.Int32, 1);
        for (int i = 0; i < 8; i++)
        {
            inner = V.Array(GgufValueType.Array, inner);
        }

        Rejects(new GgufBuilder().Add("deep", inner), "metadata 'deep'", "deeper than");
    }

    [Fact]
    public void Open_ArraysNestedEightDeep_Accepted()
    {
        var inner = V.Array(GgufValueType.Int32, 1);
        for (int i = 0; i < 7; i++)
        {
            inner = V.Array(GgufValueType.Array, inner);
        }

        Assert.Equal(GgufValueType.Array, Value(new GgufBuilder().Add("deep", inner), "deep").ElementType);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    public void Open_Version2Or3_Accepted(uint version)
    {
        var b = new GgufBuilder { Version = version }.Add("general.name", V.Str("v"))
            .AddTensor("t", [4, 2], GgmlType.F32);
        WithOpened(b, f =>
        {
            Assert.Equal(version, f.Version);
            Assert.Equal("v", f.GetString("general.name"));
            Assert.Equal(32u, f.Alignment);
            Assert.Single(f.Tensors);
            Assert.Equal(32, f.TensorBytes(f.Tensors[0]).Length);
            return 0;
        });
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(4u)]
    [InlineData(0x03000000u)]
    public void Open_UnsupportedVersion_ThrowsNamingVersion(uint version) =>
        Rejects(new GgufBuilder { Version = version }, "version", $"{version}");

    [Theory]
    [InlineData(0x46554746u)]
    [InlineData(0u)]
    [InlineData(0x47475546u)]
    public void Open_BadMagic_ThrowsNamingMagic(uint magic) => Rejects(new GgufBuilder { Magic = magic }, "magic");

    [Fact]
    public void Open_Alignment64_PlacesDataAndTensorsOnMultiples()
    {
        byte[] a = Enumerable.Range(0, 100 * 4).Select(i => (byte)i).ToArray();
        byte[] c = Enumerable.Range(0, 3 * 4).Select(i => (byte)(i * 7)).ToArray();
        var b = new GgufBuilder().WithAlignment(64).Add("pad", V.Str("xyz"))
            .AddTensor("a", [100], GgmlType.F32, a)
            .AddTensor("b", [3], GgmlType.F32, c)
            .AddTensor("c", [32, 2], GgmlType.Q8_0);
        WithOpened(b, f =>
        {
            Assert.Equal(64u, f.Alignment);
            Assert.Equal(0, f.DataOffsetBytes % 64);
            Assert.Equal(b.DataOffset, f.DataOffsetBytes);
            Assert.All(f.Tensors, t => Assert.Equal(0, t.OffsetBytes % 64));
            Assert.True(f.TryGetTensor("b", out var tb));
            Assert.Equal(f.DataOffsetBytes + 448, tb.OffsetBytes);
            Assert.Equal(c, f.TensorBytes(tb).ToArray());
            Assert.True(f.TryGetTensor("a", out var ta));
            Assert.Equal(a, f.TensorBytes(ta).ToArray());
            Assert.True(f.TryGetTensor("c", out var tc));
            Assert.Equal(68, tc.SizeBytes);
            Assert.Equal(2, tc.RowCount);
            return 0;
        });
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(48u)]
    [InlineData(1u << 21)]
    public void Open_AlignmentNotPowerOfTwo_ThrowsNamingAlignment(uint alignment) =>
        Rejects(new GgufBuilder().WithAlignment(alignment), "general.alignment", $"{alignment}");

    [Fact]
    public void Open_AlignmentOfStringType_ThrowsNamingAlignment() =>
        Rejects(new GgufBuilder().Add("general.alignment", V.Str("64")), "general.alignment");

    [Fact]
    public void Open_TensorOffsetNotAligned_ThrowsNamingTensor() =>
        Rejects(new GgufBuilder().AddTensor("x", [8], GgmlType.F32, offset: 4), "tensor 'x'", "alignment");

    [Fact]
    public void Open_TensorPastEndOfFile_ThrowsNamingTensor()
    {
        byte[] bytes = new GgufBuilder().AddTensor("w", [4], GgmlType.F32).AddTensor("x", [64], GgmlType.F32).Build();
        Rejects(bytes[..^4], "tensor 'x'", "256 bytes");
    }

    [Fact]
    public void Open_TensorOffsetFarPastEnd_ThrowsNamingTensor() =>
        Rejects(new GgufBuilder().AddTensor("x", [1], GgmlType.F32, offset: 1UL << 62), "tensor 'x'");

    [Fact]
    public void Open_DuplicateKey_ThrowsNamingKey() =>
        Rejects(new GgufBuilder().Add("general.name", V.Str("a")).Add("general.name", V.Str("b")), "'general.name'", "twice");

    [Fact]
    public void Open_DuplicateTensorName_ThrowsNamingTensor() =>
        Rejects(new GgufBuilder().AddTensor("x", [4], GgmlType.F32).AddTensor("x", [4], GgmlType.F32), "tensor 'x'", "twice");

    [Theory]
    [InlineData(4u)]
    [InlineData(5u)]
    [InlineData(99u)]
    [InlineData(uint.MaxValue)]
    public void Open_UnknownTensorType_ThrowsNamingTensor(uint typeId) =>
        Rejects(new GgufBuilder().AddTensor("x", [32], typeId, new byte[128]), "tensor 'x'", $"type id {typeId}");

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Open_DimensionCountOutOfRange_ThrowsNamingTensor(int dims) =>
        Rejects(new GgufBuilder().AddTensor("x", Enumerable.Repeat(1UL, dims).ToArray(), (uint)GgmlType.F32, new byte[4]),
            "tensor 'x'", $"n_dims is {dims}");

    [Fact]
    public void Open_DimensionOverInt32_ThrowsNamingTensor() =>
        Rejects(new GgufBuilder().AddTensor("x", [1UL << 31], (uint)GgmlType.F32, new byte[4]), "tensor 'x'", "ne[0]");

    [Fact]
    public void Open_ElementCountOverflows_ThrowsNamingTensor() =>
        Rejects(new GgufBuilder().AddTensor("x", [int.MaxValue, int.MaxValue, int.MaxValue, 4], (uint)GgmlType.F32, new byte[4]),
            "tensor 'x'", "overflows");

    [Theory]
    [InlineData(GgmlType.Q8_0, 33)]
    [InlineData(GgmlType.Q4_K, 32)]
    [InlineData(GgmlType.Q4_0, 1)]
    public void Open_RowLengthNotBlockMultiple_ThrowsNamingTensor(GgmlType type, int rowLength) =>
        Rejects(new GgufBuilder().AddTensor("x", [(ulong)rowLength, 2], (uint)type, new byte[1024]), "tensor 'x'", "ne[0]", $"{rowLength}");

    [Fact]
    public void Open_BoolByte2_ThrowsNamingKey() =>
        Rejects(new GgufBuilder().AddRaw("flag", (uint)GgufValueType.Bool, [2]), "metadata 'flag'", "bool byte 2");

    [Fact]
    public void Open_BoolByte2InArray_ThrowsNamingElement() =>
        Rejects(new GgufBuilder().AddRaw("flags", (uint)GgufValueType.Array,
            [.. GgufBuilder.U32Bytes((uint)GgufValueType.Bool), .. GgufBuilder.U64Bytes(3), 1, 0, 2]), "metadata 'flags'[2]", "bool byte 2");

    [Theory]
    [InlineData(13u)]
    [InlineData(0xFFFFFFFFu)]
    public void Open_UnknownValueType_ThrowsNamingKey(uint tag) =>
        Rejects(new GgufBuilder().AddRaw("k", tag, new byte[16]), "metadata 'k'", $"value type {tag}");

    [Fact]
    public void Open_UnknownArrayElementType_ThrowsNamingKey() =>
        Rejects(new GgufBuilder().AddRaw("k", (uint)GgufValueType.Array, [.. GgufBuilder.U32Bytes(77), .. GgufBuilder.U64Bytes(1), 0]),
            "metadata 'k'", "element type 77");

    [Theory]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    public void Open_StringLengthLargerThanFile_ThrowsQuicklyWithoutAllocating(ulong length)
    {
        byte[] bytes = new GgufBuilder().Add("a", V.U8(1)).AddRaw("s", (uint)GgufValueType.String, [.. GgufBuilder.U64Bytes(length), 65, 66]).Build();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Rejects(bytes, "metadata 's'", "length");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 16 << 20, "allocated over 16 MiB");
    }

    [Fact]
    public void Open_KeyLengthLargerThanFile_ThrowsNamingKeyIndex() =>
        Rejects(new GgufBuilder { MetadataCountOverride = 1 }.Build().Concat(GgufBuilder.U64Bytes(1UL << 50)).Concat(new byte[16]).ToArray(), "metadata[0].key");

    [Theory]
    [InlineData(GgufValueType.UInt8, 1UL << 60)]
    [InlineData(GgufValueType.String, 1UL << 60)]
    [InlineData(GgufValueType.Array, 1UL << 60)]
    [InlineData(GgufValueType.Float64, (1UL << 31) + 5)]
    [InlineData(GgufValueType.Bool, ulong.MaxValue)]
    public void Open_ArrayCountHuge_ThrowsQuicklyWithoutAllocating(GgufValueType elementType, ulong count)
    {
        byte[] bytes = new GgufBuilder().AddRaw("arr", (uint)GgufValueType.Array,
            [.. GgufBuilder.U32Bytes((uint)elementType), .. GgufBuilder.U64Bytes(count), .. new byte[64]]).Build();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Rejects(bytes, "metadata 'arr' count");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 16 << 20, "allocated over 16 MiB");
    }

    [Theory]
    [InlineData(1UL << 60)]
    [InlineData(ulong.MaxValue)]
    public void Open_TensorCountHuge_ThrowsNamingTensorCount(ulong count) =>
        Rejects(new GgufBuilder { TensorCountOverride = count }, "tensor_count");

    [Theory]
    [InlineData(1UL << 60)]
    [InlineData(5UL)]
    public void Open_MetadataCountTooLarge_ThrowsNamingField(ulong count) =>
        Rejects(new GgufBuilder { MetadataCountOverride = count }.Add("a", V.U32(1)), "metadata");

    [Fact]
    public void Open_EveryTruncation_ThrowsModelFormatException()
    {
        byte[] full = new GgufBuilder().WithAlignment(16).Add("s", V.Str("abc"))
            .Add("arr", V.Array(GgufValueType.Array, V.Array(GgufValueType.String, "x", "yz")))
            .Add("f", V.F64(1)).AddTensor("t", [4], GgmlType.F32).AddTensor("u", [2, 2], GgmlType.F16).Build();
        for (int length = 0; length < full.Length; length++)
        {
            var e = Rejects(full[..length]);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }

        WithOpened(new GgufBuilder().WithAlignment(16).Add("s", V.Str("abc")).AddTensor("t", [4], GgmlType.F32), f => f.Tensors.Count);
    }

    [Fact]
    public void Open_NoTensorsAndNoMetadata_Accepted() =>
        Assert.Equal(0, WithOpened(new GgufBuilder(), f => f.Tensors.Count + f.Metadata.Count));

    [Fact]
    public void GetInteger_MissingOrWrongType_ThrowsNamingKey()
    {
        WithOpened(new GgufBuilder().Add("s", V.Str("x")).Add("f", V.F32(1)), f =>
        {
            Assert.Contains("'missing'", Assert.Throws<ModelFormatException>(() => f.GetInteger("missing")).Message);
            Assert.Contains("'s'", Assert.Throws<ModelFormatException>(() => f.GetInteger("s")).Message);
            Assert.Contains("'f'", Assert.Throws<ModelFormatException>(() => f.GetString("f")).Message);
            Assert.Contains("'s'", Assert.Throws<ModelFormatException>(() => f.GetDouble("s", 0)).Message);
            return 0;
        });
    }
}
