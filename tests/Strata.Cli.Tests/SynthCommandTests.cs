// `strata synth --arch`: writes each architecture, and refuses a preset of another architecture or a key it does not take.
using Strata.Engine.Artifacts;

namespace Strata.Cli.Tests;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-synth-cli-").FullName;

    [Theory]
    [InlineData("qwen3", "d=128,layers=2,heads=4,kv-heads=2,head-dim=64,ffn=256,vocab=400")]
    [InlineData("qwen3moe", "d=128,layers=2,heads=4,kv-heads=2,head-dim=64,ffn=256,vocab=400,experts=4,experts-used=2,expert-ffn=64")]
    [InlineData("gemma3", "d=128,layers=2,heads=4,kv-heads=1,head-dim=64,ffn=256,vocab=400,window=8")]
    [InlineData("phi3", "d=128,layers=2,heads=4,ffn=256,vocab=400,ctx=8192,long-rope=1,rope-orig-ctx=1024")]
    public void Synth_Arch_WritesTheArchitectureAndPrintsItsTensors(string arch, string shape)
    {
        string path = Path.Combine(_directory, arch + ".gguf");
        var r = StrataProcess.Run("synth", "--arch", arch, "--shape", shape, "--quant", "q8_0", "--out", path);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("[Q8_0, ", r.StdErr, StringComparison.Ordinal);
        using var file = GgufFile.Open(path);
        Assert.Equal(arch, file.GetString("general.architecture"));
    }

    [Theory]
    [InlineData("qwen3", "gemma3-1b", "is a gemma3 preset")]
    [InlineData("llama", "d=64,layers=1,heads=2,ffn=64,vocab=300,window=8", "'window' does not apply to llama")]
    [InlineData("mamba", "d=64,layers=1,heads=2,ffn=64,vocab=300", "architecture 'mamba' is not one of")]
    public void Synth_Mismatch_FailsNamingIt(string arch, string shape, string message)
    {
        var r = StrataProcess.Run("synth", "--arch", arch, "--shape", shape, "--quant", "f32", "--out", Path.Combine(_directory, "x.gguf"));

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "x.gguf")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
