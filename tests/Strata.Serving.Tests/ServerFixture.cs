// Starts a real Kestrel server on 127.0.0.1 (any free port) over the stories260K model, with two tenants, for the tests.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Tests;

namespace Strata.Serving.Tests;

/// <summary>One server shared by a test class; tenants "alpha" (key-a) and "beta" (key-b).</summary>
public sealed class ServerFixture : LoopbackServerFixture
{
    public const string Model = "stories";

    public static string ModelPath => SharedModels.File("stories260K.gguf");

    protected override IReadOnlyList<ModelConfig> Models => [new ModelConfig { Name = Model, Path = ModelPath }];

    protected override ServerConfig ServerConfig => Config();

    public static ServerConfig Config(int queue = 32, int running = 8) => new()
    {
        Tenants =
        [
            new TenantConfig { Name = "alpha", ApiKeys = [KeyA] },
            new TenantConfig { Name = "beta", ApiKeys = [KeyB] },
        ],
        QueueCapacity = queue,
        MaxRunning = running,
        Threads = 2,
    };

    /// <summary>
    /// What `strata generate --temperature 0 --batch-invariant` produces for the prompt: the engine run directly, with the
    /// arithmetic the server uses by default, so a served greedy output equals it by construction.
    /// </summary>
    public static string Generate(string prompt, int maxTokens, IReadOnlyList<string>? stops = null)
    {
        using var runtime = ModelRuntime.Load(ModelPath, null, new EngineOptions(Threads: 2, BatchInvariant: true));
        using var session = new GenerationSession(runtime, new GenerationRequest(prompt, maxTokens, new SamplerOptions { Temperature = 0 }, stops));
        return session.Run().Text;
    }
}
