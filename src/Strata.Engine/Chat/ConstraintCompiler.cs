// Compiles answer constraints to grammars once: the same schema in many requests shares one grammar, its automaton and masks.
using System.Collections.Concurrent;

namespace Strata.Engine.Chat;

/// <summary>
/// <see cref="OutputConstraint"/> → <see cref="Grammar.Grammar"/>, cached by constraint (at most <see cref="Capacity"/>
/// grammars; the cache starts over when full), so a schema sent with every request is compiled once and its automaton's
/// states and token masks stay warm. Thread-safe.
/// </summary>
public sealed class ConstraintCompiler
{
    /// <summary>Most grammars kept.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<OutputConstraint, Grammar.Grammar> _cache = new();

    /// <summary>The grammar of <paramref name="constraint"/>.</summary>
    /// <exception cref="Grammar.SchemaException">a JSON Schema that cannot be compiled; its pointer names where</exception>
    /// <exception cref="Grammar.GrammarException">a GBNF grammar that does not parse; its line and column say where</exception>
    public Grammar.Grammar Compile(OutputConstraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        if (_cache.TryGetValue(constraint, out var grammar))
        {
            return grammar;
        }

        grammar = constraint.Language == ConstraintLanguage.JsonSchema
            ? Grammar.Grammar.FromJsonSchema(constraint.Source)
            : Grammar.Grammar.Parse(constraint.Source, constraint.RootRule);
        if (_cache.Count >= Capacity)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(constraint, grammar);
    }
}
