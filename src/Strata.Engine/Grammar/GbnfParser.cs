// Parses llama.cpp GBNF text into rules: alternatives, groups, literals, classes, repetitions rewritten into rules.
namespace Strata.Engine.Grammar;

/// <summary>
/// A recursive-descent parser for llama.cpp's GBNF (see its grammars/README.md): <c>name ::= alternatives</c>, a rule
/// continuing over lines after <c>|</c> or inside parentheses. Groups become rules of their own; <c>S*</c>, <c>S+</c>,
/// <c>S?</c>, <c>S{m}</c>, <c>S{m,}</c> and <c>S{m,n}</c> are rewritten as llama.cpp does (m copies of S, then
/// <c>S' ::= S S' |</c> for no maximum, or n - m nested optional rules). Token references (<c>&lt;[id]&gt;</c>) are not
/// supported: Strata grammars constrain text. Duplicate definitions, undefined rules, a missing root and left recursion
/// are errors.
/// </summary>
internal sealed class GbnfParser
{
    /// <summary>Largest repetition count, as in llama.cpp (MAX_REPETITION_THRESHOLD).</summary>
    public const int MaxRepetition = 2000;

    /// <summary>Most elements the rewritten grammar may hold.</summary>
    public const int MaxElements = 2_000_000;

    private const int MaxNesting = 200;

    private readonly GbnfCursor _cursor;
    private readonly Dictionary<string, int> _symbols = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<bool> _generated = [];
    private readonly List<GrammarElement[]?> _rules = [];
    private readonly List<int> _firstUse = [];
    private int _elementCount;
    private int _depth;

    private GbnfParser(string text) => _cursor = new GbnfCursor(text);

    /// <summary>Parses <paramref name="text"/> into a grammar whose start rule is <paramref name="root"/>.</summary>
    public static Grammar Parse(string text, string root)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new GbnfParser(text);
        parser.ParseRules();
        return parser.Build(root);
    }

    private void ParseRules()
    {
        _cursor.SkipSpace(newlines: true);
        while (!_cursor.AtEnd)
        {
            ParseRule();
        }
    }

    private void ParseRule()
    {
        int start = _cursor.Position;
        string name = _cursor.ReadName();
        int id = Symbol(name, start);
        if (_rules[id] is not null)
        {
            throw _cursor.Error($"rule '{name}' is defined twice", start);
        }

        _cursor.SkipSpace(newlines: false);
        if (!_cursor.At("::="))
        {
            throw _cursor.Error($"expected '::=' after the rule name '{name}'; found {_cursor.Describe()}");
        }

        _cursor.Position += 3;
        _cursor.SkipSpace(newlines: true);
        ParseAlternates(id, name, nested: false);
        if (_cursor.Peek == '\r')
        {
            _cursor.Position += _cursor.PeekAt(1) == '\n' ? 2 : 1;
        }
        else if (_cursor.Peek == '\n')
        {
            _cursor.Position++;
        }
        else if (!_cursor.AtEnd)
        {
            throw _cursor.Error($"expected a line break or the end after the rule '{name}'; found {_cursor.Describe()}");
        }

        _cursor.SkipSpace(newlines: true);
    }

    private void ParseAlternates(int id, string baseName, bool nested)
    {
        var rule = new List<GrammarElement>();
        ParseSequence(rule, baseName, nested);
        while (_cursor.Peek == '|')
        {
            rule.Add(new GrammarElement(GrammarElementKind.Alternate, 0));
            _cursor.Position++;
            _cursor.SkipSpace(newlines: true);
            ParseSequence(rule, baseName, nested);
        }

        rule.Add(new GrammarElement(GrammarElementKind.End, 0));
        SetRule(id, rule);
    }

    private void ParseSequence(List<GrammarElement> rule, string baseName, bool nested)
    {
        int lastStart = rule.Count; // start of the last item, for a repetition to apply to; rule.Count = none yet
        long itemRules = 1; // rules the last item stands for, as llama.cpp counts them (n_prev_rules)
        while (!_cursor.AtEnd)
        {
            char c = _cursor.Peek;
            if (c is '*' or '+' or '?' or '{')
            {
                ParseRepetition(rule, lastStart, baseName, nested, ref itemRules);
                continue;
            }

            itemRules = 1;
            if (c == '"')
            {
                lastStart = rule.Count;
                ParseLiteral(rule);
            }
            else if (c == '[')
            {
                lastStart = rule.Count;
                ParseClass(rule);
            }
            else if (GbnfCursor.IsNameChar(c))
            {
                lastStart = rule.Count;
                int at = _cursor.Position;
                rule.Add(new GrammarElement(GrammarElementKind.RuleReference, Symbol(_cursor.ReadName(), at)));
            }
            else if (c == '(')
            {
                lastStart = rule.Count;
                int before = _rules.Count;
                ParseGroup(rule, baseName);
                itemRules = Math.Max(1, _rules.Count - before);
            }
            else if (c == '.')
            {
                lastStart = rule.Count;
                rule.Add(new GrammarElement(GrammarElementKind.CharAny, 0));
                _cursor.Position++;
            }
            else if (c is '<' or '!')
            {
                throw _cursor.Error("token references ('<[id]>', '!<...>') are not supported: Strata grammars constrain text");
            }
            else
            {
                return;
            }

            _cursor.SkipSpace(nested);
        }
    }

    private void ParseLiteral(List<GrammarElement> rule)
    {
        int start = _cursor.Position;
        _cursor.Position++;
        while (_cursor.Peek != '"' || _cursor.AtEnd)
        {
            if (_cursor.AtEnd)
            {
                throw _cursor.Error("unterminated string literal: expected a closing '\"'", start);
            }

            rule.Add(new GrammarElement(GrammarElementKind.Char, _cursor.ReadChar()));
        }

        _cursor.Position++;
    }

    private void ParseClass(List<GrammarElement> rule)
    {
        int start = _cursor.Position;
        _cursor.Position++;
        var first = GrammarElementKind.Char;
        if (_cursor.Peek == '^')
        {
            first = GrammarElementKind.CharNot;
            _cursor.Position++;
        }

        if (_cursor.Peek == ']')
        {
            throw _cursor.Error("expected a character in the class; found ']' (an empty class matches nothing)");
        }

        bool any = false;
        while (_cursor.Peek != ']' || _cursor.AtEnd)
        {
            if (_cursor.AtEnd)
            {
                throw _cursor.Error("unterminated character class: expected a closing ']'", start);
            }

            int low = _cursor.ReadChar();
            rule.Add(new GrammarElement(any ? GrammarElementKind.CharAlternate : first, low));
            any = true;
            if (_cursor.Peek == '-' && _cursor.PeekAt(1) is not (']' or '\0'))
            {
                _cursor.Position++;
                int at = _cursor.Position;
                int high = _cursor.ReadChar();
                if (high < low)
                {
                    throw _cursor.Error($"range end U+{high:X4} is below its start U+{low:X4}", at);
                }

                rule.Add(new GrammarElement(GrammarElementKind.CharRangeUpper, high));
            }
        }

        _cursor.Position++;
    }

    private void ParseGroup(List<GrammarElement> rule, string baseName)
    {
        int start = _cursor.Position;
        if (++_depth > MaxNesting)
        {
            throw _cursor.Error($"groups nested more than {MaxNesting} deep");
        }

        _cursor.Position++;
        _cursor.SkipSpace(newlines: true);
        int sub = Generated(baseName);
        ParseAlternates(sub, baseName, nested: true);
        if (_cursor.Peek != ')')
        {
            throw _cursor.Error($"expected ')' to close the group; found {_cursor.Describe()}", _cursor.Position);
        }

        _cursor.Position++;
        _depth--;
        rule.Add(new GrammarElement(GrammarElementKind.RuleReference, sub));
    }

    // Like llama.cpp: a minimum over MaxRepetition is an error, a maximum over it means "no maximum", and nested
    // repetitions whose rules multiply to MaxRepetition or more are refused (their matching would explode).
    private void ParseRepetition(List<GrammarElement> rule, int lastStart, string baseName, bool nested, ref long itemRules)
    {
        int at = _cursor.Position;
        char c = _cursor.Peek;
        _cursor.Position++;
        _cursor.SkipSpace(nested);
        (int min, int max) = c switch
        {
            '*' => (0, -1),
            '+' => (1, -1),
            '?' => (0, 1),
            _ => ParseCounts(nested),
        };

        if (lastStart == rule.Count)
        {
            throw _cursor.Error($"expected an item before '{c}'", at);
        }

        if (min > MaxRepetition)
        {
            throw _cursor.Error($"repetition minimum {min} exceeds the limit of {MaxRepetition}", at);
        }

        if (max > MaxRepetition)
        {
            max = -1;
        }

        long total = max > 0 ? max : Math.Max(min, 1);
        if (itemRules * total >= MaxRepetition)
        {
            throw _cursor.Error(
                $"nested repetitions expand to {itemRules * total} rules, over the limit of {MaxRepetition}; reduce the counts", at);
        }

        itemRules *= total;
        Repeat(rule, lastStart, baseName, min, max);
    }

    private (int Min, int Max) ParseCounts(bool nested)
    {
        int min = _cursor.ReadInt();
        _cursor.SkipSpace(nested);
        int max = min;
        if (_cursor.Peek == ',')
        {
            _cursor.Position++;
            _cursor.SkipSpace(nested);
            max = char.IsAsciiDigit(_cursor.Peek) ? _cursor.ReadInt() : -1;
            _cursor.SkipSpace(nested);
            if (max >= 0 && max < min)
            {
                throw _cursor.Error($"expected a maximum >= the minimum {min}; found {max}");
            }
        }

        if (_cursor.Peek != '}')
        {
            throw _cursor.Error($"expected '}}' or ',' in a repetition count; found {_cursor.Describe()}");
        }

        _cursor.Position++;
        _cursor.SkipSpace(nested);
        return (min, max);
    }

    // S{m,n} → S (m times) then S'(n-m) where S'(k) ::= S S'(k-1) | ; S{m,} → S (m times) S' where S' ::= S S' | .
    private void Repeat(List<GrammarElement> rule, int lastStart, string baseName, int min, int max)
    {
        var item = rule.GetRange(lastStart, rule.Count - lastStart).ToArray();
        if (min == 0)
        {
            rule.RemoveRange(lastStart, rule.Count - lastStart);
        }

        for (int i = 1; i < min; i++)
        {
            Count(item.Length);
            rule.AddRange(item);
        }

        int optional = max < 0 ? 1 : max - min;
        int last = -1;
        for (int i = 0; i < optional; i++)
        {
            int id = Generated(baseName);
            var body = new List<GrammarElement>(item.Length + 3);
            body.AddRange(item);
            if (max < 0 || i > 0)
            {
                body.Add(new GrammarElement(GrammarElementKind.RuleReference, max < 0 ? id : last));
            }

            body.Add(new GrammarElement(GrammarElementKind.Alternate, 0));
            body.Add(new GrammarElement(GrammarElementKind.End, 0));
            SetRule(id, body);
            last = id;
        }

        if (optional > 0)
        {
            rule.Add(new GrammarElement(GrammarElementKind.RuleReference, last));
        }
    }

    private int Symbol(string name, int at)
    {
        if (_symbols.TryGetValue(name, out int id))
        {
            return id;
        }

        id = Add(name, generated: false, at);
        _symbols[name] = id;
        return id;
    }

    private int Generated(string baseName) => Add(baseName, generated: true, _cursor.Position);

    private int Add(string name, bool generated, int at)
    {
        _names.Add(name);
        _generated.Add(generated);
        _rules.Add(null);
        _firstUse.Add(at);
        return _names.Count - 1;
    }

    private void SetRule(int id, List<GrammarElement> rule)
    {
        Count(rule.Count);
        _rules[id] = [.. rule];
    }

    private void Count(int elements)
    {
        _elementCount += elements;
        if (_elementCount > MaxElements)
        {
            throw _cursor.Error($"the grammar expands to more than {MaxElements} elements (repetitions too large)");
        }
    }

    private Grammar Build(string root)
    {
        for (int id = 0; id < _rules.Count; id++)
        {
            if (_rules[id] is null)
            {
                throw _cursor.Error($"undefined rule '{_names[id]}'", _firstUse[id]);
            }
        }

        if (!_symbols.TryGetValue(root, out int rootId))
        {
            var defined = new List<string>();
            for (int id = 0; id < _names.Count; id++)
            {
                if (!_generated[id])
                {
                    defined.Add(_names[id]);
                }
            }

            throw new GrammarException(
                $"expected a rule named '{root}' to start from; the grammar defines {(defined.Count == 0 ? "no rules" : string.Join(", ", defined))}");
        }

        var rules = new GrammarElement[_rules.Count][];
        for (int id = 0; id < rules.Length; id++)
        {
            rules[id] = _rules[id]!;
        }

        if (LeftRecursion.FindCycle(rules) is { } cycle)
        {
            var names = new List<string>(cycle.Count);
            foreach (int id in cycle)
            {
                names.Add(_names[id]);
            }

            throw _cursor.Error(
                $"left recursion: rule '{names[0]}' can reach itself without consuming input ({string.Join(" -> ", names)} -> {names[0]}); "
                + "rewrite it with repetition, e.g. a ::= b (\"x\" b)*", _firstUse[cycle[0]]);
        }

        return new Grammar(_names, _generated, rules, rootId);
    }
}
