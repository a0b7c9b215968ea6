// GBNF parsing: llama.cpp's grammars and parser cases, canonical text, and errors that say where and what.
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class GbnfParserTests
{
    public static TheoryData<string> GrammarFiles => new()
    {
        "arithmetic.gbnf", "c.gbnf", "chess.gbnf", "english.gbnf", "japanese.gbnf", "json.gbnf", "json_arr.gbnf", "list.gbnf",
    };

    [Theory]
    [MemberData(nameof(GrammarFiles))]
    public void Parse_LlamaCppGrammarFiles_CanonicalTextParsesToItself(string file)
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse(File.ReadAllText(GrammarTesting.DataFile(file)));

        var again = Strata.Engine.Grammar.Grammar.Parse(grammar.Text);

        Assert.Equal(grammar.Text, again.Text);
        Assert.Equal(grammar.Sha256, again.Sha256);
        Assert.Equal("root", grammar.RuleName(0));
    }

    [Fact]
    public void Parse_JsonGbnf_AcceptsJsonAndRejectsOthers()
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse(File.ReadAllText(GrammarTesting.DataFile("json.gbnf")));

        Assert.True(GrammarTesting.Matches(grammar, "{\"a\": [1, 2.5e3, true, null, \"x\\n\"]}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"a\": }"));
        Assert.False(GrammarTesting.Matches(grammar, "[1]"));
    }

    [Fact]
    public void Parse_WhitespaceAndComments_GiveTheSameHash()
    {
        var a = Strata.Engine.Grammar.Grammar.Parse("root ::= \"a\" b # comment\nb ::= [0-9]+");
        var b = Strata.Engine.Grammar.Grammar.Parse("# leading\n\n  root  ::=  \"a\"   b\n\n b ::= [0-9] +\n");

        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal("root ::= \"a\" b\nb ::= [0-9] b_1\nb_1 ::= [0-9] b_1 | \"\"\n", a.Text);
    }

    [Theory]
    [InlineData("root ::= \"a\"{0,5000}", "root ::= root_1\nroot_1 ::= \"a\" root_1 | \"\"\n")]
    [InlineData("root ::= \"a\"{3,5000}", "root ::= \"aaa\" root_1\nroot_1 ::= \"a\" root_1 | \"\"\n")]
    [InlineData("root  ::= \"a\" | [bdx-z] | [^1-3]", "root ::= \"a\" | [bdx-z] | [^1-3]\n")]
    [InlineData("root ::= a+\na ::= \"a\"", "root ::= a root_1\na ::= \"a\"\nroot_1 ::= a root_1 | \"\"\n")]
    [InlineData("root ::= \"a\"{2,4}", "root ::= \"aa\" root_1\nroot_1 ::= \"a\" root_2 | \"\"\nroot_2 ::= \"a\" | \"\"\n")]
    [InlineData("root ::= (\"a\" | \"b\")?", "root ::= root_1\nroot_1 ::= root_2 | \"\"\nroot_2 ::= \"a\" | \"b\"\n")]
    [InlineData("root ::= \"\\x41\\u00e9\\U0001F600\\t\\\"\"", "root ::= \"A\\xE9\\U0001F600\\t\\\"\"\n")]
    [InlineData("root ::= [\\]\\[\\x2D^a] .", "root ::= [\\]\\[\\x2D\\x5Ea] .\n")]
    public void Parse_LlamaParserCases_GiveTheExpectedCanonicalText(string gbnf, string expected)
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse(gbnf);

        Assert.Equal(expected, grammar.Text);
        Assert.Equal(expected, Strata.Engine.Grammar.Grammar.Parse(grammar.Text).Text);
    }

    [Theory]
    [InlineData("root ::= \"a\"{,}\"", 1, 14, "expected an integer")]
    [InlineData("root ::= \"a\"{,10}\"", 1, 14, "expected an integer")]
    [InlineData("root ::= \"a\"{5000}", 1, 13, "exceeds the limit of 2000")]
    [InlineData("root ::= \"a\"{5000,}", 1, 13, "exceeds the limit of 2000")]
    [InlineData("root ::= (((((([^x]*){0,99}){0,99}){0,99}){0,99}){0,99}){0,99}", 1, 0, "nested repetitions")]
    [InlineData("root ::= \"abc", 1, 10, "unterminated string literal")]
    [InlineData("root ::= [a-", 1, 10, "unterminated")]
    [InlineData("root ::= []", 1, 11, "expected a character in the class")]
    [InlineData("root ::= [z-a]", 1, 13, "below its start")]
    [InlineData("root ::= (\"a\"", 1, 14, "expected ')'")]
    [InlineData("root ::= \"a\" )", 1, 14, "expected a line break")]
    [InlineData("root = \"a\"", 1, 6, "expected '::='")]
    [InlineData("root ::= \"\\q\"", 1, 11, "unknown escape")]
    [InlineData("root ::= \"\\x4\"", 1, 14, "expected 2 hex digits")]
    [InlineData("root ::= \"\\uD800\"", 1, 11, "Unicode scalar value")]
    [InlineData("root ::= * \"a\"", 1, 10, "expected an item before '*'")]
    [InlineData("root ::= <[10]>", 1, 10, "token references")]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", 2, 1, "defined twice")]
    [InlineData("root ::= expr\nexpr ::= term (\"+\" term)*\nterm ::= numero\nnumber ::= [0-9]+", 3, 10, "undefined rule 'numero'")]
    [InlineData("root ::= \"a\"{3,2}", 1, 17, "expected a maximum >= the minimum 3")]
    public void Parse_BadGrammar_ThrowsGrammarExceptionWithPlace(string gbnf, int line, int column, string expected)
    {
        var e = Assert.Throws<GrammarException>(() => Strata.Engine.Grammar.Grammar.Parse(gbnf));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        if (column > 0)
        {
            Assert.Equal(column, e.Column);
        }
    }

    [Fact]
    public void Parse_NoRootRule_NamesTheRulesDefined()
    {
        var e = Assert.Throws<GrammarException>(() => Strata.Engine.Grammar.Grammar.Parse("rot ::= expr\nexpr ::= [0-9]+"));

        Assert.Contains("expected a rule named 'root'", e.Message, StringComparison.Ordinal);
        Assert.Contains("rot, expr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CustomRoot_StartsThere()
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse("foobar ::= \"foobar\"", "foobar");

        Assert.True(GrammarTesting.Matches(grammar, "foobar"));
        Assert.Throws<GrammarException>(() => Strata.Engine.Grammar.Grammar.Parse("foobar ::= \"foobar\""));
    }

    // llama.cpp's test_failure_left_recursion cases, then one through a rule that is empty only transitively.
    [Theory]
    [InlineData("root ::= \"a\" | root \"a\"", "root -> root")]
    [InlineData("root ::= asdf\nasdf ::= \"a\" | asdf \"a\"", "asdf -> asdf")]
    [InlineData("root ::= asdf\nasdf ::= \"a\" | foo \"b\"\nfoo ::= \"c\" | asdf \"d\" | \"e\"", "asdf -> foo -> asdf")]
    [InlineData("root ::= asdf\nasdf ::= \"a\" | foo \"b\"\nfoo ::= \"c\" | empty asdf \"d\" | \"e\"\nempty ::= \"blah\" | ", "asdf -> foo -> asdf")]
    [InlineData("root ::= r\nr ::= x r \"y\" | \"z\"\nx ::= \"x\"?", "r -> r")]
    public void Parse_LeftRecursion_ThrowsNamingTheCycle(string gbnf, string cycle)
    {
        var e = Assert.Throws<GrammarException>(() => Strata.Engine.Grammar.Grammar.Parse(gbnf));

        Assert.Contains("left recursion", e.Message, StringComparison.Ordinal);
        Assert.Contains(cycle, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root ::= (\"x\"?)*", "xxx")]
    [InlineData("root ::= a\na ::= b | \"x\"\nb ::= a | \"y\"", "y")]
    public void Parse_LeftCyclesOnlyInLastPosition_AreAllowed(string gbnf, string accepted)
    {
        var grammar = Strata.Engine.Grammar.Grammar.Parse(gbnf);

        Assert.True(GrammarTesting.Matches(grammar, accepted));
    }
}
