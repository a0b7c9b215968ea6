// Token masks equal a brute-force check of every token, on the real Llama-2 (32000) and stories260K (512) vocabularies.
using Strata.Engine.Artifacts;
using Strata.Engine.Grammar;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Tests.Grammar;

public sealed class TokenMaskTests
{
    private static readonly Lazy<ITokenizer> Llama2 = new(() => Load("llama-2-tiny-random.gguf"));
    private static readonly Lazy<ITokenizer> Stories = new(() => Load("stories260K.gguf"));

    public static TheoryData<string, string, int> Cases => new()
    {
        { "llama-2-tiny-random.gguf", "json.gbnf", 11 },
        { "llama-2-tiny-random.gguf", "japanese.gbnf", 12 },
        { "llama-2-tiny-random.gguf", "schema", 13 },
        { "stories260K.gguf", "json.gbnf", 14 },
        { "stories260K.gguf", "japanese.gbnf", 15 },
        { "stories260K.gguf", "schema", 16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputeMask_RandomStates_EqualsTryAcceptOfEveryToken(string model, string grammarName, int seed)
    {
        var tokenizer = model.StartsWith("llama", StringComparison.Ordinal) ? Llama2.Value : Stories.Value;
        var grammar = grammarName == "schema"
            ? JsonSchemaGrammar.Compile(new RandomSchemas(seed).Next())
            : Strata.Engine.Grammar.Grammar.Parse(File.ReadAllText(GrammarTesting.DataFile(grammarName)));
        var matcher = GrammarMatcher.Create(grammar, tokenizer);
        var random = new Random(seed);
        var mask = new ulong[(tokenizer.VocabSize + 63) / 64];
        int partialStates = 0;
        for (int step = 0; step < 24; step++)
        {
            int count = matcher.ComputeMask(mask);
            var allowed = new List<int>();
            for (int t = 0; t < tokenizer.VocabSize; t++)
            {
                bool bit = (mask[t >> 6] & (1UL << (t & 63))) != 0;
                Assert.True(bit == matcher.WouldAccept(t), $"step {step}, token {t} '{Show(tokenizer, t)}': mask says {bit}");
                if (bit)
                {
                    allowed.Add(t);
                }
            }

            Assert.Equal(allowed.Count, count);
            var next = allowed.FindAll(t => !tokenizer.IsEndOfGeneration(t));
            if (next.Count == 0)
            {
                break;
            }

            // Now and then a lone high byte, to leave the matcher in the middle of a UTF-8 character.
            var bytes = next.FindAll(t => tokenizer.TokenBytes(t) is [>= 0xC2]);
            int pick = bytes.Count > 0 && random.Next(3) == 0 ? bytes[random.Next(bytes.Count)] : next[random.Next(next.Count)];
            partialStates += tokenizer.TokenBytes(pick) is [>= 0xC2] ? 1 : 0;
            Assert.True(matcher.TryAccept(pick));
        }

        Assert.True(grammarName != "japanese.gbnf" || partialStates > 0, "the walk never stopped inside a character");
    }

    [Fact]
    public void ComputeMask_ControlTokens_NeverAllowedEndOfGenerationOnlyWhenComplete()
    {
        var tokenizer = Stories.Value;
        var matcher = GrammarMatcher.Create(Strata.Engine.Grammar.Grammar.Parse("root ::= [0-9]+"), tokenizer);
        var mask = new ulong[(tokenizer.VocabSize + 63) / 64];

        matcher.ComputeMask(mask);
        Assert.False(Bit(mask, tokenizer.EosId));
        Assert.False(Bit(mask, tokenizer.BosId));
        Assert.True(matcher.TryAccept(Token(tokenizer, "7")));
        matcher.ComputeMask(mask);
        Assert.True(Bit(mask, tokenizer.EosId));
        Assert.False(Bit(mask, tokenizer.BosId));
        Assert.True(matcher.IsAccepting);
        Assert.True(matcher.CanContinue);
    }

    internal static int Token(ITokenizer tokenizer, string text)
    {
        byte[] wanted = System.Text.Encoding.UTF8.GetBytes(text);
        for (int t = 0; t < tokenizer.VocabSize; t++)
        {
            if (tokenizer.TokenBytes(t).SequenceEqual(wanted))
            {
                return t;
            }
        }

        throw new InvalidOperationException($"no token is exactly '{text}'");
    }

    internal static ITokenizer Load(string model)
    {
        using var file = GgufFile.Open(SharedModels.File(model));
        return TokenizerFactory.FromGguf(file);
    }

    private static bool Bit(ulong[] mask, int token) => (mask[token >> 6] & (1UL << (token & 63))) != 0;

    private static string Show(ITokenizer tokenizer, int token) => Convert.ToHexString(tokenizer.TokenBytes(token));
}
