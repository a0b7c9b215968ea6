// The token step under a grammar: refused samples are replaced from the mask, EOS waits for completion, stops are reported.
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Tests.Grammar;

public sealed class GrammarTokenStepTests
{
    private static readonly Lazy<ITokenizer> Stories = new(() => TokenMaskTests.Load("stories260K.gguf"));

    [Fact]
    public void Next_GreedyTopTokenRefused_TakesTheBestAllowedToken()
    {
        var tokenizer = Stories.Value;
        var state = State(tokenizer, "root ::= \"b\" \"c\"", temperature: 0f);
        var logits = Logits(tokenizer, ("a", 10f), ("c", 7f), ("b", 5f));

        var step = TokenStep.Next(state, logits, 1, tokenizer);

        Assert.Equal(TokenMaskTests.Token(tokenizer, "b"), step.Token);
        Assert.Null(step.Stop);
        Assert.Equal(1, state.Generated);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    public void Next_EndOfSequenceBeforeTheGrammarIsComplete_IsReplaced(float temperature)
    {
        var tokenizer = Stories.Value;
        var state = State(tokenizer, "root ::= [0-9]+", temperature);
        var logits = Logits(tokenizer, ("7", 1f));
        logits[tokenizer.EosId] = 30f;

        var first = TokenStep.Next(state, logits, 1, tokenizer);
        var second = TokenStep.Next(state, logits, 2, tokenizer);

        Assert.NotEqual(tokenizer.EosId, first.Token);
        Assert.Null(first.Stop);
        Assert.Equal(tokenizer.EosId, second.Token);
        Assert.Equal(StopReason.EndOfSequence, second.Stop);
    }

    [Fact]
    public void Next_GrammarCompleteAndNothingMayFollow_StopsWithTheTokenAppended()
    {
        var tokenizer = Stories.Value;
        var state = State(tokenizer, "root ::= \"b\"", temperature: 0f);

        var step = TokenStep.Next(state, Logits(tokenizer, ("b", 1f)), 1, tokenizer);

        Assert.Equal(StopReason.GrammarComplete, step.Stop);
        Assert.Equal(1, state.Generated);
        Assert.Equal("b", state.Text.Text.ToString());
        Assert.Equal("grammar_complete", StopReasons.Name(StopReason.GrammarComplete));
        Assert.Equal("stop", StopReasons.FinishReason(StopReason.GrammarComplete));
    }

    [Fact]
    public void Next_NoTokenCanContinueTheGrammar_ReportsAnErrorWithoutAToken()
    {
        var tokenizer = Stories.Value;
        var pieces = new byte[tokenizer.VocabSize][];
        Array.Fill(pieces, []);
        var trie = TokenTrie.FromPieces(pieces, [tokenizer.EosId]);
        var matcher = new GrammarMatcher(TokenGrammar.For(Strata.Engine.Grammar.Grammar.Parse("root ::= \"b\""), trie));
        var state = new GenerationState([1], 8, 64, SamplerChain.FromOptions(new SamplerOptions { Temperature = 0 }, tokenizer.VocabSize), null, matcher);

        var step = TokenStep.Next(state, Logits(tokenizer), 1, tokenizer);

        Assert.Equal(new TokenStepResult(-1, StopReason.Error), step);
        Assert.Equal(0, state.Generated);
    }

    [Fact]
    public void Session_GbnfGrammar_FollowsItAndRecordsItsHashInEvidence()
    {
        using var runtime = ModelRuntime.Load(SharedModels.File("stories260K.gguf"), null, new EngineOptions(Threads: 2, ContextTokens: 256));
        var grammar = Strata.Engine.Grammar.Grammar.Parse("root ::= \"Once\" (\" \" [a-z]+){3} \".\"");
        using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 100,
            new SamplerOptions { Temperature = 0.7f, Seed = 5 }, Grammar: grammar));

        var result = session.Run();
        var record = new Strata.Evidence.EvidenceRecord(TimeProvider.System);
        EngineEvidence.Fill(record, runtime, result, session.Sampler);

        Assert.Equal(StopReason.GrammarComplete, result.StopReason);
        Assert.Matches("^Once( [a-z]+){3}\\.$", result.Text);
        Assert.Equal(grammar.Sha256, record.Engine!.GrammarSha256);
        Assert.Contains(grammar.Sha256, record.ToJson(), StringComparison.Ordinal);
    }

    private static GenerationState State(ITokenizer tokenizer, string gbnf, float temperature)
    {
        var sampling = new SamplerOptions { Temperature = temperature, Seed = 3 };
        var matcher = GrammarMatcher.Create(Strata.Engine.Grammar.Grammar.Parse(gbnf), tokenizer);
        return new GenerationState([1], 16, 64, SamplerChain.FromOptions(sampling, tokenizer.VocabSize), null, matcher);
    }

    // -10 everywhere but the named single-piece tokens.
    private static float[] Logits(ITokenizer tokenizer, params (string Piece, float Logit)[] named)
    {
        var logits = new float[tokenizer.VocabSize];
        Array.Fill(logits, -10f);
        foreach (var (piece, logit) in named)
        {
            logits[TokenMaskTests.Token(tokenizer, piece)] = logit;
        }

        return logits;
    }
}
