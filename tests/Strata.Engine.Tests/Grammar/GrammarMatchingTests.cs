// String acceptance through the token path: llama.cpp's grammar integration cases and partial UTF-8 characters.
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class GrammarMatchingTests
{
    public static TheoryData<LlamaCase> GrammarCases()
    {
        var data = new TheoryData<LlamaCase>();
        foreach (var c in GrammarTesting.LlamaCases("grammar"))
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GrammarCases))]
    public void TryAccept_LlamaIntegrationGrammarCases_AcceptAndRejectAsLlamaCpp(LlamaCase c)
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse(c.Source);

        foreach (string s in c.Accept)
        {
            Assert.True(GrammarTesting.Matches(grammar, s), $"{c.Description}: should accept '{s}'");
        }

        foreach (string s in c.Reject)
        {
            Assert.False(GrammarTesting.Matches(grammar, s), $"{c.Description}: should reject '{s}'");
        }
    }

    [Fact]
    public void TryAccept_TokenEndingMidCharacter_NextTokenCompletesIt()
    {
        // "é" is C3 A9: a vocabulary whose tokens split it.
        var trie = TokenTrie.FromPieces([[0xC3], [0xA9], [(byte)'a'], [0xC3, 0xA9], [0xC3, (byte)'a'], []], [5]);
        var grammar = Strata.Engine.Grammar.Grammar.Parse("root ::= \"é\"+ \"a\"");
        var matcher = new GrammarMatcher(TokenGrammar.For(grammar, trie));

        Assert.True(matcher.TryAccept(0));
        Assert.False(matcher.IsAccepting);
        Assert.False(matcher.TryAccept(2)); // 'a' cannot complete C3
        Assert.False(matcher.TryAccept(0)); // nor can another lead byte
        Span<ulong> mask = stackalloc ulong[1];
        Assert.Equal(1, matcher.ComputeMask(mask));
        Assert.Equal(1UL << 1, mask[0]);
        Assert.True(matcher.TryAccept(1));
        Assert.True(matcher.TryAccept(3));
        Assert.False(matcher.TryAccept(5)); // end of generation only once complete
        Assert.True(matcher.TryAccept(2));
        Assert.True(matcher.IsAccepting);
        Assert.False(matcher.CanContinue);
        Assert.True(matcher.TryAccept(5));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xA2 })] // overlong '"'
    [InlineData(new byte[] { 0xE0, 0x80, 0xA2 })] // overlong '"'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // surrogate U+D800
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xA9 })] // stray continuation byte
    public void TryAccept_MalformedUtf8_IsRefused(byte[] bytes)
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse("root ::= [^a]*");
        var matcher = new GrammarMatcher(TokenGrammar.For(grammar, GrammarTesting.Bytes));

        bool all = true;
        foreach (byte b in bytes)
        {
            all &= matcher.TryAccept(b);
        }

        Assert.False(all && matcher.IsAccepting);
    }

    [Fact]
    public void Matches_AnyCharacter_CountsCodePointsNotBytes()
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse("root ::= ... \"abc\" ...");

        Assert.True(GrammarTesting.Matches(grammar, "🔵🟠✅abc❌🟠🔵"));
        Assert.False(GrammarTesting.Matches(grammar, "🔵🟠abc🟠🔵"));
    }
}
