// Strata as a .NET library the way an application gets it: the Strata.Engine package and its dependencies packed from
// this build into a local folder, a console app outside the solution that references it, builds and chats through
// StrataChatClient; its greedy text must equal `strata serve`'s for the same messages, and eight concurrent streaming
// calls must share batches while each equals its solo output.
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class LibraryPackageTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private static readonly string[] Packed = ["Strata.Substrate", "Strata.Kernels", "Strata.Compiler", "Strata.Evidence", "Strata.Engine"];

    private const string Program = """
        using System.Text;
        using System.Text.Json;
        using Microsoft.Extensions.AI;
        using Strata.Engine;
        using Strata.Engine.Batching;

        using var client = new StrataChatClient(args[0], new StrataChatClientOptions { Threads = 2, MaxConcurrent = 8 });
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };
        var story = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You tell short stories."), new ChatMessage(ChatRole.User, "Once upon a time, there was a little dog")],
            options);
        var prompts = new string[8];
        var solo = new string[8];
        for (int i = 0; i < 8; i++)
        {
            prompts[i] = $"Tell me about the {i + 1} little birds";
            solo[i] = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompts[i])], options)).Text;
        }

        var calls = new Task<(string Text, int Shared)>[8];
        for (int i = 0; i < 8; i++)
        {
            string prompt = prompts[i];
            calls[i] = Task.Run(async () =>
            {
                var text = new StringBuilder();
                int shared = 0;
                await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], options))
                {
                    text.Append(update.Text);
                    if (update.AdditionalProperties is { } extra && extra.TryGetValue("strata_passes", out var value) && value is SharedPass[] passes)
                    {
                        foreach (var pass in passes)
                        {
                            shared = Math.Max(shared, pass.Sequences);
                        }
                    }
                }

                return (text.ToString(), shared);
            });
        }

        var results = await Task.WhenAll(calls);
        int mostShared = 0;
        bool allEqual = true;
        for (int i = 0; i < 8; i++)
        {
            allEqual &= results[i].Text == solo[i];
            mostShared = Math.Max(mostShared, results[i].Shared);
        }

        Console.WriteLine(JsonSerializer.Serialize(new { story = story.Text, all_equal = allEqual, most_shared = mostShared }));
        """;

    [Fact]
    public async Task ConsoleApp_ReferencingThePackedEngine_ChatsLikeStrataServeAndBatchesConcurrentCalls()
    {
        string temp = Directory.CreateTempSubdirectory("strata-lib-").FullName;
        try
        {
            // A version of its own, so NuGet's global cache never serves an older build's package under the same number.
            string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            string packages = Path.Combine(temp, "packages");
            foreach (string project in Packed)
            {
                var pack = Dotnet(temp, "pack", Path.Combine(RepositoryBuild.Root(), "src", project, project + ".csproj"), "-c", RepositoryBuild.Configuration(),
                    "--no-build", "-o", packages, $"-p:PackageVersion={version}", "--disable-build-servers", "-nodeReuse:false");
                Assert.True(pack.ExitCode == 0, pack.StdOut + pack.StdErr);
            }

            string app = Path.Combine(temp, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "ChatApp.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Strata.Engine" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
            // Strata's packages from the local folder only; everything else from the machine's usual sources.
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="strata-local" value="{packages}" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="strata-local"><package pattern="Strata.*" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            var build = Dotnet(app, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
            Assert.True(build.ExitCode == 0, build.StdOut + build.StdErr);
            string model = StrataProcess.Shared("stories260K.gguf");
            var run = Dotnet(app, "run", "-c", "Release", "--no-build", "--", model);
            Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
            using var result = JsonDocument.Parse(run.StdOut.Trim().Split('\n')[^1]);

            Assert.True(result.RootElement.GetProperty("all_equal").GetBoolean(), run.StdOut);
            Assert.True(result.RootElement.GetProperty("most_shared").GetInt32() >= 4, run.StdOut);
            Assert.Equal(await ServeChat(model), result.RootElement.GetProperty("story").GetString());
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    // The same messages through the real `strata serve`, greedy.
    private static async Task<string> ServeChat(string model)
    {
        var (process, url) = await ServeCommandTests.StartServe("--model", "stories=" + model);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var reply = await http.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = "stories",
                messages = new object[]
                {
                    new { role = "system", content = "You tell short stories." },
                    new { role = "user", content = "Once upon a time, there was a little dog" },
                },
                max_tokens = 24,
                temperature = 0,
            });
            string body = await reply.Content.ReadAsStringAsync();
            Assert.True(reply.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static ProcessResult Dotnet(string workingDirectory, params string[] args) => RepositoryBuild.Dotnet(workingDirectory, Limit, args);
}
