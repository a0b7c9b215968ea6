// Soundness without a model: random walks through compiled grammars, every finished text validated by JsonSchema.Net.
using System.Text;
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class SchemaSoundnessTests
{
    [Theory]
    [InlineData(1, JsonWhitespace.Compact)]
    [InlineData(2, JsonWhitespace.Minimal)]
    [InlineData(3, JsonWhitespace.Flexible)]
    public void RandomWalk_RandomSchemas_EveryFinishedTextValidates(int seed, JsonWhitespace whitespace)
    {
        var schemas = new RandomSchemas(seed);
        var random = new Random(seed);
        var options = new JsonSchemaGrammarOptions { Whitespace = whitespace };
        var failures = new List<string>();
        int finished = 0;
        for (int i = 0; i < 60; i++)
        {
            string schema = schemas.Next();
            var grammar = JsonSchemaGrammar.Compile(schema, options);
            for (int walk = 0; walk < 5; walk++)
            {
                string? text = Walk(grammar, random, 4000);
                if (text is null)
                {
                    continue;
                }

                finished++;
                if (SchemaValidator.Check(schema, text) is { } error)
                {
                    failures.Add($"schema {schema}\ntext {text}\n{error}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        Assert.True(finished >= 250, $"only {finished} of 300 walks finished");
    }

    // Picks allowed bytes at random (ASCII far more often) until the grammar is complete; null past `limit` bytes.
    internal static string? Walk(Strata.Engine.Grammar.Grammar grammar, Random random, int limit)
    {
        var matcher = new GrammarMatcher(TokenGrammar.For(grammar, GrammarTesting.Bytes));
        var bytes = new List<byte>();
        Span<ulong> mask = stackalloc ulong[4];
        var allowed = new List<int>(256);
        while (bytes.Count < limit)
        {
            if (matcher.IsAccepting && (!matcher.CanContinue || random.Next(2) == 0))
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            matcher.ComputeMask(mask);
            allowed.Clear();
            for (int b = 0; b < 256; b++)
            {
                if ((mask[b >> 6] & (1UL << (b & 63))) != 0)
                {
                    for (int weight = b < 0x80 ? 20 : 1; weight > 0; weight--)
                    {
                        allowed.Add(b);
                    }
                }
            }

            Assert.NotEmpty(allowed);
            int pick = allowed[random.Next(allowed.Count)];
            Assert.True(matcher.TryAccept(pick));
            bytes.Add((byte)pick);
        }

        return null;
    }
}
