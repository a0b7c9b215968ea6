// GgufWriter round trips: everything it writes, GgufFile reads back unchanged.
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Tests.Artifacts;

public sealed class GgufWriterTests
{
    [Theory]
    [InlineData("vocab/ggml-vocab-gpt-2.gguf")]
    [InlineData("stories260K.gguf")]
    public void Write_CopyOfEveryMetadataValue_ReadsBackEqual(string source)
    {
        using var original = GgufFile.Open(SharedModels.File(source));
        var writer = new GgufWriter();
        foreach (var (key, value) in original.Metadata)
        {
            if (key != "general.alignment")
            {
                writer.Add(key, value);
            }
        }

        string path = Path.GetTempFileName();
        try
        {
            writer.Write(path);
            using var copy = GgufFile.Open(path);
            foreach (var (key, value) in original.Metadata)
            {
                if (key == "general.alignment")
                {
                    continue;
                }

                Assert.True(copy.TryGetValue(key, out var read), key);
                Assert.Equal(value.Type, read.Type);
                Assert.Equal(value.ElementType, read.ElementType);
                Assert.Equal(value.Raw, read.Raw);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_Tensors_AlignedAndReadable()
    {
        var writer = new GgufWriter().Add("general.architecture", "test");
        writer.AddTensor("a", [3], GgmlType.F32, s => s.Write(new byte[12]));
        writer.AddTensor("b", [32, 2], GgmlType.Q8_0, s => s.Write(Enumerable.Range(0, 68).Select(i => (byte)i).ToArray()));
        string path = Path.GetTempFileName();
        try
        {
            writer.Write(path);
            using var file = GgufFile.Open(path);
            Assert.True(file.TryGetTensor("b", out var b));
            Assert.Equal(0, b.OffsetBytes % 32);
            Assert.Equal(Enumerable.Range(0, 68).Select(i => (byte)i).ToArray(), file.TensorBytes(b).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_TensorOfWrongSize_Throws()
    {
        var writer = new GgufWriter();
        writer.AddTensor("a", [4], GgmlType.F32, s => s.Write(new byte[12]));
        string path = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => writer.Write(path));
            Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
