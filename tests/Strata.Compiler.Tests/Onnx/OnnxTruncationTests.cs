// The real MiniLM file cut at many offsets (header, node section, inside and between initializers, the tail): every cut
// gives an OnnxFormatException naming the file, never another exception. Cutting is slicing the bytes: nothing is copied.
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Tests.Onnx;

public sealed class OnnxTruncationTests
{
    [Fact]
    public void Load_MiniLmCutAtManyOffsets_AlwaysOnnxFormatException()
    {
        byte[] file = File.ReadAllBytes(OnnxTestModels.MiniLm);
        var random = new Random(20);
        var cuts = new SortedSet<int> { 0, 1, 2, file.Length - 1 };
        for (int i = 0; i < 300; i++)
        {
            cuts.Add(random.Next(1, 64 * 1024));
            cuts.Add(random.Next(1, file.Length));
        }

        for (int i = 1; i <= 200; i++)
        {
            cuts.Add(file.Length - i);
        }

        foreach (int cut in cuts)
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(file.AsMemory(0, cut), "minilm-cut.onnx"));
            Assert.Contains("'minilm-cut.onnx'", e.Message, StringComparison.Ordinal);
            Assert.NotEmpty(e.Element);
        }
    }

    [Fact]
    public void Load_TruncatedFileOnDisk_NamesThePath()
    {
        byte[] file = File.ReadAllBytes(OnnxTestModels.MiniLm);
        string path = Path.Combine(Path.GetTempPath(), $"strata-onnx-cut-{Environment.ProcessId}.onnx");
        try
        {
            File.WriteAllBytes(path, file.AsSpan(0, 40_000).ToArray());

            var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));

            Assert.Equal(path, e.ModelSource);
            Assert.Contains("truncated or corrupt file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
