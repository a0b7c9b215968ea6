// A model copied into memory at load (the default) against the same model mapped: same outputs, a hash of the bytes in use,
// and a change to the file seen but not felt.
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Synthesis;
using Strata.Evidence;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Engine.Tests.Artifacts;

public sealed class ModelFileLoadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-load-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Open_CopyThenFileOverwritten_FileChangedAndTheHashStaysTheLoadedBytes()
    {
        string path = Path.Combine(_directory, "stories.gguf");
        File.Copy(SharedModels.File("stories260K.gguf"), path);
        File.SetAttributes(path, FileAttributes.Normal);
        string loadedHash = EvidenceHash.Sha256HexOfFile(path);

        using var model = ModelArtifact.Open(path, null, FileLoad.Copy);
        Assert.Equal(FileLoad.Copy, model.Load);
        Assert.Equal(loadedHash, model.FileSha256);
        Assert.False(model.FileChanged);

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = stream.Length / 2;
            stream.Write(new byte[4096]);
        }

        Assert.True(model.FileChanged);
        Assert.Equal(loadedHash, model.FileSha256);
        Assert.NotEqual(loadedHash, EvidenceHash.Sha256HexOfFile(path));
        File.Copy(SharedModels.File("stories260K.gguf"), path, overwrite: true); // the same bytes again: still not the file loaded
        Assert.True(model.FileChanged);
    }

    [Fact]
    public void Load_CopyAndMap_TiedQ8FastNumerics_SameGreedyTokensAndTheTiedTableKept()
    {
        // The output head tied to the embedding is packed; the lookup still reads the table's raw rows. Mapped, those pages
        // leave the resident set and fault back in from the file; copied, they must stay (dropped copy pages are made
        // inaccessible, so dropping them would fault here rather than pass). Only the AVX-512 integer tiles pack.
        if (!Strata.Kernels.KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            return;
        }

        var shape = ModelShape.Parse("d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=1000,ctx=128,tied=1");
        string path = Path.Combine(_directory, "tied-q8_0.gguf");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q8_0"), 3), path);
        var request = new GenerationRequest("hello world", 8, new SamplerOptions { Temperature = 0 });

        int[] Run(FileLoad load)
        {
            using var runtime = ModelRuntime.Load(path, null,
                new EngineOptions(Threads: 2, ContextTokens: 64, Mode: NumericMode.QuantizedActivations, BatchInvariant: true, Load: load));
            Assert.Equal(load, runtime.Model.Load);
            Assert.True(runtime.Runner.PackedBytes > 0, "nothing was packed: the test would not reach the tied table");
            using var session = new GenerationSession(runtime, request);
            return session.Run().Tokens;
        }

        Assert.Equal(Run(FileLoad.Map), Run(FileLoad.Copy));
        Assert.Equal(FileLoad.Copy, new EngineOptions().Load);
    }
}
