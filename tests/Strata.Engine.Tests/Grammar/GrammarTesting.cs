// Helpers for grammar tests: string matching through the token path over a vocabulary of the 256 single bytes.
using System.Text;
using System.Text.Json;
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

internal static class GrammarTesting
{
    /// <summary>Token b is the single byte b, so accepting a string byte by byte exercises the token path.</summary>
    public static readonly TokenTrie Bytes = TokenTrie.FromPieces(ByteVocabulary(), []);

    /// <summary>The test data folder copied beside the test binaries.</summary>
    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Grammar", "TestData", name);

    /// <summary>True when <paramref name="grammar"/> accepts exactly <paramref name="text"/>.</summary>
    public static bool Matches(Strata.Engine.Grammar.Grammar grammar, string text)
    {
        var matcher = new GrammarMatcher(TokenGrammar.For(grammar, Bytes));
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (!matcher.TryAccept(b))
            {
                return false;
            }
        }

        return matcher.IsAccepting;
    }

    /// <summary>The cases of llama.cpp's test-grammar-integration.cpp of one kind ("grammar" or "schema").</summary>
    public static IEnumerable<LlamaCase> LlamaCases(string kind)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DataFile("llama-grammar-integration.json")));
        foreach (var c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("kind").GetString() == kind)
            {
                yield return new LlamaCase(
                    c.GetProperty("description").GetString()!,
                    c.GetProperty("source").GetString()!,
                    Strings(c.GetProperty("accept")),
                    Strings(c.GetProperty("reject")));
            }
        }
    }

    private static string[] Strings(JsonElement array)
    {
        var list = new List<string>();
        foreach (var s in array.EnumerateArray())
        {
            list.Add(s.GetString()!);
        }

        return [.. list];
    }

    private static byte[][] ByteVocabulary()
    {
        var pieces = new byte[256][];
        for (int b = 0; b < 256; b++)
        {
            pieces[b] = [(byte)b];
        }

        return pieces;
    }
}

/// <summary>One accept/reject case of llama.cpp's grammar integration test.</summary>
public sealed record LlamaCase(string Description, string Source, string[] Accept, string[] Reject)
{
    public override string ToString() => Description;
}
