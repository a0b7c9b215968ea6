// Seeded fuzzing: mutated real chat templates and random token soup either parse and render or fail with TemplateException.
using System.Diagnostics;
using System.Text;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

public sealed class TemplateFuzzTests
{
    private static readonly string[] Pieces =
    [
        "{%", "%}", "{{", "}}", "{#", "#}", "{%-", "-%}", "{{-", "-}}", "{%+", "+%}", "(", ")", "[", "]", "{", "}", "'", "\"", "\\",
        "|", ".", ",", ":", "=", "==", "~", "**", "//", "%", "*", "-", "+", " if ", " else ", " endif ", " for ", " in ", " endfor ",
        " not ", " is ", " and ", " or ", " macro ", " endmacro ", " set ", " endset ", " raw ", " endraw ", " call ", " endcall ",
        " filter ", " endfilter ", " break ", " continue ", "loop", "messages", "tools", "x", "0", "1.5e3", "0x1F", "none", "true",
        "|tojson", "|length", "|trim", "|default(", "|selectattr(", "|map(", "|join(", ".items()", ".split(", "[1:]", "[::-1]",
        "namespace(", "range(", "raise_exception(", "\n", " ", "\t", "é", "😀", "\u2028", "\0",
        "'%99999999999d' % 1", "'{:99999999999}'.format(1)", "9223372036854775807", "-9223372036854775807 - 1", "|abs", "|round(",
        "|indent(", "|center(", "|batch(", "10**18", ".zfill(", ".expandtabs(", "'%c' % ", "'{:c}'.format(", "|int", "|float",
        "'%.2f' % ", "'{:e}'.format(", "|sort", "|unique", "|groupby(", "|dictsort", "|sum", "|min", "|max", "*", "**d", "*xs",
    ];

    private static readonly TemplateContext FuzzContext = new()
    {
        Variables = new Dictionary<string, object?>
        {
            ["messages"] = System.Text.Json.JsonDocument.Parse("""[{"role":"system","content":"s"},{"role":"user","content":"hi"},{"role":"assistant","content":"yo","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]},{"role":"user","content":[{"type":"text","text":"t"}]}]""").RootElement,
            ["tools"] = null,
            ["add_generation_prompt"] = true,
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
        },
        Now = new DateTimeOffset(2025, 7, 26, 9, 15, 0, TimeSpan.Zero),
        Limits = new TemplateLimits { MaxSteps = 200_000, MaxOutputChars = 1_000_000, MaxCallDepth = 50 },
    };

    [Fact]
    public void ParseAndRender_MutatedRealTemplates_SucceedOrThrowTemplateException()
    {
        const int Seed = 20250726;
        var random = new Random(Seed);
        var sources = TemplateData.Templates().Where(t => t.File is not null).Select(TemplateData.Source).ToList();
        var outcomes = new int[3];
        for (int i = 0; i < 3000; i++)
        {
            string original = sources[random.Next(sources.Count)];
            string mutant = Mutate(original, random, out string mutation);
            outcomes[Check(mutant, $"seed {Seed}, iteration {i}, mutation {mutation}")]++;
        }

        // The mutants must reach the renderer, not only the parser: some parse, and some of those render.
        Assert.True(outcomes[(int)Outcome.Rendered] > 200 && outcomes[(int)Outcome.RenderFailed] > 100, $"rendered {outcomes[0]}, failed to render {outcomes[1]}, failed to parse {outcomes[2]}");
    }

    [Fact]
    public void ParseAndRender_RandomTokenSoup_SucceedsOrThrowsTemplateException()
    {
        const int Seed = 7;
        var random = new Random(Seed);
        for (int i = 0; i < 3000; i++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 40);
            for (int j = 0; j < count; j++)
            {
                text.Append(random.Next(4) == 0 ? ((char)random.Next(0x20, 0x7f)).ToString() : Pieces[random.Next(Pieces.Length)]);
            }

            Check(text.ToString(), $"seed {Seed}, iteration {i}");
        }
    }

    private static readonly string[] Atoms =
    [
        "0", "1", "-1", "2", "9223372036854775807", "1.5", "-0.0", "1e308", "0.1", "'a'", "''", "'é😀'", "'%s'", "'{}'", "'{:>9}'",
        "'%d|%5.2f'", "none", "true", "false", "[]", "[1, 'a', none]", "{}", "{'a': 1, 'b': [2]}", "(1,)", "xs", "d", "s", "u",
        "messages", "messages[0]", "range(3)", "namespace(a=1)", "d.keys()", "d.items()", "xs|select", "'a'|safe", "loop",
    ];

    private static readonly string[] Binary = [" + ", " - ", " * ", " / ", " // ", " % ", " ** ", " ~ ", " == ", " != ", " < ", " >= ", " in ", " not in ", " and ", " or "];

    private static readonly string[] Postfix =
    [
        "|length", "|list", "|first", "|last", "|tojson", "|tojson(indent=2)", "|trim", "|upper", "|string", "|int", "|float", "|abs",
        "|round(1)", "|join(',')", "|sort", "|reverse", "|unique|list", "|map('string')|list", "|select|list", "|items|list",
        "|default('x')", "|indent(2)", "|center(7)", "|truncate(5)", "|wordcount", "|batch(2)|list", "|dictsort", "|sum", "|min",
        "|max", "|format(1, 2)", "|e", "|selectattr('a')|list", "|groupby('a')", "[0]", "[-1]", "[1:]", "[::-1]", "['a']", ".a",
        ".items()", ".strip()", ".split(',')", ".upper()", ".startswith(('a', 'b'))", ".get('a', 2)", ".format(1)", ".count(1)",
        " is defined", " is string", " is odd", " is divisibleby 2", " is in xs", " is mapping", " is sameas none",
    ];

    [Fact]
    public void Render_RandomExpressions_SucceedOrThrowTemplateException()
    {
        const int Seed = 11;
        var random = new Random(Seed);
        var outcomes = new int[3];
        for (int i = 0; i < 4000; i++)
        {
            string expression = RandomExpression(random, 3);
            outcomes[Check("{% set xs = [1, 2, 3] %}{% set d = {'a': 1, 'b': 'x'} %}{% set s = 'héllo' %}{{ " + expression + " }}", $"seed {Seed}, iteration {i}")]++;
        }

        Assert.True(outcomes[(int)Outcome.Rendered] > 1000 && outcomes[(int)Outcome.RenderFailed] > 500, $"rendered {outcomes[0]}, failed to render {outcomes[1]}, failed to parse {outcomes[2]}");
    }

    private static string RandomExpression(Random random, int depth)
    {
        if (depth == 0 || random.Next(3) == 0)
        {
            return Atoms[random.Next(Atoms.Length)] + (random.Next(2) == 0 ? Postfix[random.Next(Postfix.Length)] : "");
        }

        return random.Next(4) switch
        {
            0 => "(" + RandomExpression(random, depth - 1) + Binary[random.Next(Binary.Length)] + RandomExpression(random, depth - 1) + ")",
            1 => "(" + RandomExpression(random, depth - 1) + " if " + RandomExpression(random, depth - 1) + " else " + RandomExpression(random, depth - 1) + ")",
            2 => "[" + RandomExpression(random, depth - 1) + ", " + RandomExpression(random, depth - 1) + "]" + Postfix[random.Next(Postfix.Length)],
            _ => "(" + RandomExpression(random, depth - 1) + ")" + Postfix[random.Next(Postfix.Length)],
        };
    }

    private enum Outcome
    {
        Rendered,
        RenderFailed,
        ParseFailed,
    }

    private static int Check(string source, string where)
    {
        var watch = Stopwatch.StartNew();
        var outcome = Outcome.ParseFailed;
        try
        {
            var template = JinjaTemplate.Parse(source);
            outcome = Outcome.RenderFailed;
            template.Render(FuzzContext);
            outcome = Outcome.Rendered;
        }
        catch (TemplateException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{where}: {e.GetType().Name}: {e.Message}\n--- template ---\n{source}\n--- stack ---\n{e.StackTrace}");
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{where}: took {watch.Elapsed.TotalSeconds:F1} s");
        return (int)outcome;
    }

    private static string Mutate(string original, Random random, out string mutation)
    {
        var text = new StringBuilder(original);
        var steps = new List<string>();
        int rounds = random.Next(1, 4);
        for (int r = 0; r < rounds && text.Length > 0; r++)
        {
            int at = random.Next(text.Length);
            int length = Math.Min(random.Next(1, 24), text.Length - at);
            switch (random.Next(5))
            {
                case 0:
                    text.Remove(at, length);
                    steps.Add($"delete {at}+{length}");
                    break;
                case 1:
                    string piece = Pieces[random.Next(Pieces.Length)];
                    text.Insert(at, piece);
                    steps.Add($"insert {at} '{piece}'");
                    break;
                case 2:
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    steps.Add($"duplicate {at}+{length}");
                    break;
                case 3:
                    text.Length = at;
                    steps.Add($"truncate {at}");
                    break;
                default:
                    text[at] = (char)random.Next(0x20, 0x7f);
                    steps.Add($"replace {at}");
                    break;
            }
        }

        mutation = string.Join(", ", steps);
        return text.ToString();
    }
}
