// An immutable context-free grammar over Unicode code points (llama.cpp's GBNF model), with its canonical text and hash.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// Rules of <see cref="GrammarElement"/>s over Unicode code points, as llama.cpp's GBNF grammars are. Rule 0 is the root;
/// the others follow in the order a breadth-first walk from the root first references them, and rules the parser made
/// for groups and repetitions are named <c>base_1</c>, <c>base_2</c>, ... in that order, so <see cref="Text"/> is a
/// canonical GBNF text (parsing it again gives the same text) and <see cref="Sha256"/> identifies the grammar in evidence.
/// Immutable and shareable: every sequence constrained by it keeps its own <see cref="GrammarMatcher"/>.
/// </summary>
public sealed class Grammar
{
    private readonly GrammarElement[] _elements; // (all rules' elements, each rule ending with End)
    private readonly int[] _ruleStarts; // (rules + 1) offsets into _elements
    private readonly string[] _names; // (rules)

    /// <summary>Builds the canonical grammar from parsed rules; <paramref name="generated"/> rules are renamed after their base name.</summary>
    internal Grammar(IReadOnlyList<string> names, IReadOnlyList<bool> generated, IReadOnlyList<GrammarElement[]> rules, int root)
    {
        int[] order = CanonicalOrder(rules, root);
        var newIndex = new int[rules.Count];
        for (int i = 0; i < order.Length; i++)
        {
            newIndex[order[i]] = i;
        }

        _names = CanonicalNames(names, generated, order);
        _ruleStarts = new int[order.Length + 1];
        int total = 0;
        for (int i = 0; i < order.Length; i++)
        {
            _ruleStarts[i] = total;
            total += rules[order[i]].Length;
        }

        _ruleStarts[^1] = total;
        _elements = new GrammarElement[total];
        for (int i = 0; i < order.Length; i++)
        {
            var rule = rules[order[i]];
            for (int e = 0; e < rule.Length; e++)
            {
                var element = rule[e];
                _elements[_ruleStarts[i] + e] = element.Kind == GrammarElementKind.RuleReference
                    ? element with { Value = newIndex[element.Value] }
                    : element;
            }
        }

        Text = GbnfWriter.Write(this);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
    }

    /// <summary>Number of rules (the root is rule 0).</summary>
    public int RuleCount => _names.Length;

    /// <summary>Canonical GBNF text: one line per rule, root first.</summary>
    public string Text { get; }

    /// <summary>SHA-256 of <see cref="Text"/> as UTF-8, lowercase hex: the grammar's identity in evidence.</summary>
    public string Sha256 { get; }

    /// <summary>All rules' elements, rule after rule.</summary>
    internal ReadOnlySpan<GrammarElement> Elements => _elements;

    /// <summary>The name of rule <paramref name="rule"/>.</summary>
    public string RuleName(int rule) => _names[rule];

    /// <summary>The elements of rule <paramref name="rule"/>, its closing End included.</summary>
    public ReadOnlySpan<GrammarElement> Rule(int rule) => _elements.AsSpan(_ruleStarts[rule], _ruleStarts[rule + 1] - _ruleStarts[rule]);

    /// <summary>Offset of rule <paramref name="rule"/>'s first element in <see cref="Elements"/>.</summary>
    internal int RuleStart(int rule) => _ruleStarts[rule];

    /// <summary>Parses llama.cpp GBNF text whose start rule is <paramref name="rootRule"/>.</summary>
    /// <exception cref="GrammarException">a syntax error, an undefined rule, a missing root, left recursion, or a grammar too large</exception>
    public static Grammar Parse(string gbnf, string rootRule = "root") => GbnfParser.Parse(gbnf, rootRule);

    /// <summary>Compiles a JSON Schema (JSON text) to a grammar of the JSON documents it accepts; see <see cref="JsonSchemaGrammar"/>.</summary>
    /// <exception cref="SchemaException">the schema is not JSON, or uses something that cannot be expressed, or can never be satisfied</exception>
    public static Grammar FromJsonSchema(string schemaJson, JsonSchemaGrammarOptions? options = null) =>
        JsonSchemaGrammar.Compile(schemaJson, options);

    /// <summary>Compiles a JSON Schema to a grammar of the JSON documents it accepts; see <see cref="JsonSchemaGrammar"/>.</summary>
    /// <exception cref="SchemaException">the schema uses something that cannot be expressed, or can never be satisfied</exception>
    public static Grammar FromJsonSchema(JsonElement schema, JsonSchemaGrammarOptions? options = null) =>
        JsonSchemaGrammar.Compile(schema, options);

    /// <summary>A grammar of any JSON object (OpenAI's <c>json_object</c> response format).</summary>
    public static Grammar JsonObject(JsonSchemaGrammarOptions? options = null) => JsonSchemaGrammar.AnyObject(options);

    /// <inheritdoc/>
    public override string ToString() => Text;

    // Root first, then rules in the order a breadth-first walk references them, then unreachable rules in their old order.
    private static int[] CanonicalOrder(IReadOnlyList<GrammarElement[]> rules, int root)
    {
        var seen = new bool[rules.Count];
        var order = new List<int>(rules.Count) { root };
        seen[root] = true;
        for (int next = 0; next < order.Count; next++)
        {
            foreach (var element in rules[order[next]])
            {
                if (element.Kind == GrammarElementKind.RuleReference && !seen[element.Value])
                {
                    seen[element.Value] = true;
                    order.Add(element.Value);
                }
            }
        }

        for (int i = 0; i < rules.Count; i++)
        {
            if (!seen[i])
            {
                order.Add(i);
            }
        }

        return [.. order];
    }

    private static string[] CanonicalNames(IReadOnlyList<string> names, IReadOnlyList<bool> generated, int[] order)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!generated[i])
            {
                taken.Add(names[i]);
            }
        }

        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new string[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            int old = order[i];
            if (!generated[old])
            {
                result[i] = names[old];
                continue;
            }

            string name;
            int k = counters.GetValueOrDefault(names[old]);
            do
            {
                k++;
                name = $"{names[old]}_{k}";
            }
            while (!taken.Add(name));

            counters[names[old]] = k;
            result[i] = name;
        }

        return result;
    }
}
