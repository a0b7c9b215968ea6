// Prompts against a 16-position context on stories260K.gguf: too long is refused up front with both sizes, fitting ones generate.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Artifacts;

public sealed class PromptLengthTests
{
    private const int Context = 16;

    private static ModelRuntime Load() =>
        ModelRuntime.Load(SharedModels.File("stories260K.gguf"), null, new EngineOptions(Threads: 1, ContextTokens: Context));

    private static GenerationRequest Greedy(string prompt, int maxTokens) => new(prompt, maxTokens, new SamplerOptions { Temperature = 0 });

    private static string Words(int count, int seed)
    {
        string[] vocabulary = ["once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "she", "loved", "to", "play"];
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
    }

    [Fact]
    public void Session_HundredWordPrompt_ThrowsPromptTooLongWithBothNumbers()
    {
        using var runtime = Load();
        string prompt = Words(100, seed: 16);
        int tokens = runtime.Model.Tokenizer.Encode(prompt, addSpecial: true).Length;

        var e = Assert.Throws<PromptTooLongException>(() => new GenerationSession(runtime, Greedy(prompt, 4)).Dispose());

        Assert.Equal(tokens, e.PromptTokens);
        Assert.Equal(Context, e.ContextTokens);
        Assert.True(e.PromptTokens >= 100, $"100 words gave {e.PromptTokens} tokens");
        Assert.Contains($"{tokens} tokens", e.Message);
        Assert.Contains($"{Context}", e.Message);
    }

    [Fact]
    public void Session_ShortPrompt_Generates()
    {
        using var runtime = Load();
        using var session = new GenerationSession(runtime, Greedy("Once upon a time", 4));
        var result = session.Run();

        Assert.Equal([1, 403, 407, 261, 378], result.PromptTokens);
        Assert.Equal(4, result.Tokens.Length);
        Assert.Equal(StopReason.MaxTokens, result.StopReason);
        Assert.StartsWith(",", result.Text);
    }

    /// <summary>A prompt of exactly <paramref name="target"/> tokens (BOS included), built word by word.</summary>
    private static string PromptOfTokens(ModelRuntime runtime, int target)
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            string prompt = "Once";
            while (runtime.Model.Tokenizer.Encode(prompt, addSpecial: true).Length < target)
            {
                prompt += random.Next(2) == 0 ? " upon" : " time";
            }

            if (runtime.Model.Tokenizer.Encode(prompt, addSpecial: true).Length == target)
            {
                return prompt;
            }
        }

        throw new InvalidOperationException($"no prompt of {target} tokens found");
    }

    [Fact]
    public void Session_PromptFillsContext_ThrowsPromptTooLong()
    {
        using var runtime = Load();
        string prompt = PromptOfTokens(runtime, Context);
        var e = Assert.Throws<PromptTooLongException>(() => new GenerationSession(runtime, Greedy(prompt, 4)).Dispose());
        Assert.Equal(Context, e.PromptTokens);
    }

    [Fact]
    public void Session_PromptLeavesOnePosition_GeneratesUntilContextFull()
    {
        using var runtime = Load();
        string prompt = PromptOfTokens(runtime, Context - 1);
        using var session = new GenerationSession(runtime, Greedy(prompt, 8));
        var result = session.Run();

        Assert.Equal(Context - 1, result.PromptTokens.Length);
        Assert.InRange(result.Tokens.Length, 1, 2);
        Assert.Equal(StopReason.ContextFull, result.StopReason);
    }

    [Fact]
    public void Session_LongGenerationInShortContext_StopsAtContextFull()
    {
        using var runtime = Load();
        using var session = new GenerationSession(runtime, Greedy("Once upon a time", 100));
        var result = session.Run();

        Assert.Equal(StopReason.ContextFull, result.StopReason);
        Assert.True(result.PromptTokens.Length + result.Tokens.Length <= Context + 1,
            $"{result.PromptTokens.Length} + {result.Tokens.Length} tokens in a {Context}-position context");
    }
}
