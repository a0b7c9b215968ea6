// The `strata` .NET tool as a user gets it: packed from the built CLI, installed offline from a local folder, then run.
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class ToolPackageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ToolInstall_FromLocalPackages_ProbesAndGeneratesWithTheEmbeddedModel()
    {
        string temp = Directory.CreateTempSubdirectory("strata-tool-").FullName;
        try
        {
            string packages = Path.Combine(temp, "packages");
            string tools = Path.Combine(temp, "tools");
            // --no-build packs what the solution build made (this test's own configuration), so the test needs no build
            // of its own; the tool package is the CLI's publish output.
            var pack = Dotnet(temp, "pack", Path.Combine(RepositoryBuild.Root(), "src", "Strata.Cli", "Strata.Cli.csproj"), "-c", RepositoryBuild.Configuration(),
                "--no-build", "-o", packages, "--disable-build-servers", "-nodeReuse:false");
            Assert.True(pack.ExitCode == 0, pack.StdOut + pack.StdErr);
            Assert.Single(Directory.GetFiles(packages, "strata.*.nupkg"));

            // A config with only the local folder: the install must not need (nor reach) any registry.
            string config = Path.Combine(temp, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{packages}" />
                  </packageSources>
                </configuration>
                """);
            var install = Dotnet(temp, "tool", "install", "--tool-path", tools, "--add-source", packages, "--configfile", config, "strata");
            Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);

            string strata = Path.Combine(tools, "strata");
            var probe = StrataProcess.Exec(strata, ["probe", "--no-bandwidth"], temp, Limit);
            Assert.True(probe.ExitCode == 0, probe.StdErr);
            Assert.Matches("(?m)^strata +[0-9]+\\.[0-9]+\\.[0-9]+", probe.StdOut);
            Assert.Matches("(?m)^cpu +", probe.StdOut);

            // No --model: the tool's own copy of stories260K.gguf, the first 16 tokens of llama.cpp's greedy continuation.
            var text = StrataProcess.Exec(strata, ["generate", "--prompt", "Once upon a time", "--max-tokens", "16", "--temperature", "0"], temp, Limit);
            Assert.True(text.ExitCode == 0, text.StdErr);
            var json = StrataProcess.Exec(strata,
                ["generate", "--prompt", "Once upon a time", "--max-tokens", "16", "--temperature", "0", "--format", "json"], temp, Limit);
            Assert.True(json.ExitCode == 0, json.StdErr);
            using var doc = JsonDocument.Parse(json.StdOut);
            using var golden = JsonDocument.Parse(File.ReadAllText(StrataProcess.Shared(Path.Combine("golden", "stories260K.gguf.llamacpp.json"))));
            var ids = golden.RootElement.GetProperty("cases")[0].GetProperty("generated_token_ids").EnumerateArray().Take(16).Select(x => x.GetInt32());
            Assert.Equal(ids, doc.RootElement.GetProperty("tokens").EnumerateArray().Select(x => x.GetInt32()));
            string continuation = doc.RootElement.GetProperty("text").GetString()!;
            Assert.Equal(continuation + "\n", text.StdOut);
            Assert.StartsWith(continuation, DefaultModelTests.GoldenText(), StringComparison.Ordinal);
            string modelPath = doc.RootElement.GetProperty("evidence").GetProperty("engine").GetProperty("model_path").GetString()!;
            Assert.StartsWith(Path.Combine(tools, ".store", "strata"), modelPath, StringComparison.Ordinal);
            Assert.EndsWith(Path.Combine("models", "stories260K.gguf"), modelPath, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static ProcessResult Dotnet(string workingDirectory, params string[] args) => RepositoryBuild.Dotnet(workingDirectory, Limit, args);
}
