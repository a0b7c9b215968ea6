// Fuzzing the GBNF parser: random and mutated grammars only ever parse or throw GrammarException.
using System.Text;
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class GbnfFuzzTests
{
    private static readonly string[] Pieces =
    [
        "root", " ::= ", "a", "b", "|", "(", ")", "\"x\"", "\"\\n\"", "[a-z]", "[^\"]", ".", "*", "+", "?", "{2}", "{1,3}", "{2,}",
        "{,}", "\n", " ", "#c\n", "\\", "\"", "[", "]", "::=", "<[1]>", "\\x4", "é", "{9999}", "{3,1}", "-", "a ::= b\n", "b ::= a\n",
    ];

    [Fact]
    public void Parse_MutatedLlamaGrammars_OnlyParseOrThrowGrammarException()
    {
        var random = new Random(1234);
        string[] files = ["arithmetic.gbnf", "c.gbnf", "chess.gbnf", "json.gbnf", "list.gbnf", "japanese.gbnf"];
        int parsed = 0;
        for (int i = 0; i < 1500; i++)
        {
            string text = File.ReadAllText(GrammarTesting.DataFile(files[i % files.Length]));
            string mutated = Mutate(text, random);
            parsed += TryParse(mutated) ? 1 : 0;
        }

        Assert.InRange(parsed, 1, 1499);
    }

    [Fact]
    public void Parse_RandomPieces_OnlyParseOrThrowGrammarException()
    {
        var random = new Random(99);
        for (int i = 0; i < 3000; i++)
        {
            var text = new StringBuilder("root ::= ");
            for (int n = random.Next(1, 20); n > 0; n--)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            TryParse(text.ToString());
        }
    }

    // Parses and, when that works, runs the grammar a little: a mask over the byte vocabulary.
    private static bool TryParse(string text)
    {
        try
        {
            var grammar = Strata.Engine.Grammar.Grammar.Parse(text);
            var matcher = new GrammarMatcher(TokenGrammar.For(grammar, GrammarTesting.Bytes));
            Span<ulong> mask = stackalloc ulong[4];
            matcher.ComputeMask(mask);
            return true;
        }
        catch (GrammarException)
        {
            return false;
        }
    }

    private static string Mutate(string text, Random random)
    {
        var chars = new StringBuilder(text);
        for (int edits = random.Next(1, 4); edits > 0 && chars.Length > 0; edits--)
        {
            int at = random.Next(chars.Length);
            switch (random.Next(4))
            {
                case 0:
                    chars.Remove(at, Math.Min(chars.Length - at, random.Next(1, 8)));
                    break;
                case 1:
                    chars.Insert(at, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 2:
                    chars[at] = (char)random.Next(32, 127);
                    break;
                default:
                    int from = random.Next(chars.Length);
                    int length = Math.Min(chars.Length - from, random.Next(1, 30));
                    chars.Insert(at, chars.ToString(from, length));
                    break;
            }
        }

        return chars.ToString();
    }
}
