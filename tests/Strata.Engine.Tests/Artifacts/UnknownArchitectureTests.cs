// A GGUF of an architecture Strata does not know: one clear error naming it and listing those it knows.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Tests.Artifacts;

public sealed class UnknownArchitectureTests
{
    [Theory]
    [InlineData("rwkv7")]
    [InlineData("deepseek2")]
    [InlineData("Llama")]
    public void Open_UnknownArchitecture_NamesItAndListsTheKnownOnes(string architecture)
    {
        var path = Path.Combine(Path.GetTempPath(), $"strata-arch-{architecture}-{Guid.NewGuid():N}.gguf");
        try
        {
            using (var source = GgufFile.Open(SharedModels.File("stories260K.gguf")))
            {
                var writer = new GgufWriter();
                foreach (var (key, value) in source.Metadata)
                {
                    if (key == "general.architecture")
                    {
                        writer.Add(key, architecture);
                        continue;
                    }

                    writer.Add(key.StartsWith("llama.", StringComparison.Ordinal) ? architecture + key[5..] : key, value);
                }

                writer.Write(path);
            }

            var error = Assert.Throws<ModelFormatException>(() => ModelArtifact.Open(path).Dispose());
            Assert.Contains($"'{architecture}'", error.Message, StringComparison.Ordinal);
            Assert.Contains("llama", error.Message, StringComparison.Ordinal);
            foreach (string known in GgufDecoderSpec.Architectures)
            {
                Assert.Contains(known, error.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Architectures_EveryOneTheSpecReaderKnowsHasAGraphBuilder() =>
        Assert.Equal(GgufDecoderSpec.Architectures.Order(StringComparer.Ordinal), Compiler.Builders.DecoderBuilders.Architectures.Order(StringComparer.Ordinal));
}
