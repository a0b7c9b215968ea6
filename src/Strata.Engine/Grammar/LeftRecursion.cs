// Finds left recursion that would make the matcher expand rules forever without reading a character.
namespace Strata.Engine.Grammar;

/// <summary>
/// A rule is left-recursive when it can reach itself at the left edge of an alternative, past references to rules
/// that may match nothing (nullable, computed to a fixed point). Such a cycle is harmful when one of its steps is not
/// the last element of its alternative: each turn then pushes a continuation, so expanding the rule never ends
/// (llama.cpp rejects these grammars too). Cycles made only of last-position references (<c>a ::= b</c>,
/// <c>r ::= x? r |</c>) return to a stack already seen and are harmless, so they are allowed.
/// </summary>
internal static class LeftRecursion
{
    /// <summary>The rules of a harmful left-recursive cycle, starting at the rule whose step grows the stack; null when none.</summary>
    public static IReadOnlyList<int>? FindCycle(GrammarElement[][] rules)
    {
        bool[] nullable = Nullable(rules);
        var edges = LeftEdges(rules, nullable);
        int[] component = StronglyConnected(rules.Length, edges);
        for (int a = 0; a < rules.Length; a++)
        {
            foreach (var (b, tail) in edges[a])
            {
                if (!tail && component[a] == component[b])
                {
                    return PathBack(a, b, edges, component);
                }
            }
        }

        return null;
    }

    private static bool[] Nullable(GrammarElement[][] rules)
    {
        var nullable = new bool[rules.Length];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int r = 0; r < rules.Length; r++)
            {
                if (!nullable[r] && HasNullableAlternative(rules[r], nullable))
                {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }

        return nullable;
    }

    private static bool HasNullableAlternative(GrammarElement[] rule, bool[] nullable)
    {
        bool empty = true;
        foreach (var element in rule)
        {
            if (element.EndsAlternative)
            {
                if (empty)
                {
                    return true;
                }

                empty = true;
            }
            else if (element.Kind != GrammarElementKind.RuleReference || !nullable[element.Value])
            {
                empty = false;
            }
        }

        return false;
    }

    // For each rule, the rules it references at a left edge, with whether that reference ends its alternative.
    private static List<(int Rule, bool Tail)>[] LeftEdges(GrammarElement[][] rules, bool[] nullable)
    {
        var edges = new List<(int, bool)>[rules.Length];
        for (int r = 0; r < rules.Length; r++)
        {
            edges[r] = [];
            var rule = rules[r];
            bool atLeft = true;
            for (int i = 0; i < rule.Length; i++)
            {
                var element = rule[i];
                if (element.EndsAlternative)
                {
                    atLeft = true;
                }
                else if (!atLeft)
                {
                    continue;
                }
                else if (element.Kind == GrammarElementKind.RuleReference)
                {
                    edges[r].Add((element.Value, rule[i + 1].EndsAlternative));
                    atLeft = nullable[element.Value];
                }
                else
                {
                    atLeft = false;
                }
            }
        }

        return edges;
    }

    // Tarjan's algorithm, iterative so that long rule chains cannot overflow the call stack.
    private static int[] StronglyConnected(int count, List<(int Rule, bool Tail)>[] edges)
    {
        var index = new int[count];
        var low = new int[count];
        var component = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        int next = 0;
        int components = 0;
        for (int start = 0; start < count; start++)
        {
            if (index[start] >= 0)
            {
                continue;
            }

            work.Push((start, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    index[v] = low[v] = next++;
                    stack.Push(v);
                    onStack[v] = true;
                }

                if (e < edges[v].Count)
                {
                    work.Push((v, e + 1));
                    int w = edges[v][e].Rule;
                    if (index[w] < 0)
                    {
                        work.Push((w, 0));
                    }
                    else if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }

                    continue;
                }

                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component[w] = components;
                    }
                    while (w != v);
                    components++;
                }

                if (work.Count > 0)
                {
                    int parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }

        return component;
    }

    // a → b is a step inside one component: a shortest path b ⇝ a closes the cycle.
    private static List<int> PathBack(int a, int b, List<(int Rule, bool Tail)>[] edges, int[] component)
    {
        var from = new Dictionary<int, int> { [b] = -1 };
        var queue = new Queue<int>();
        queue.Enqueue(b);
        while (queue.Count > 0 && !from.ContainsKey(a))
        {
            int v = queue.Dequeue();
            foreach (var (w, _) in edges[v])
            {
                if (component[w] == component[a] && from.TryAdd(w, v))
                {
                    queue.Enqueue(w);
                }
            }
        }

        var path = new List<int>();
        for (int v = a; v != -1 && v != b; v = from[v])
        {
            path.Add(v);
        }

        path.Add(b);
        path.Reverse();
        // path is b ... a; the cycle reads a → b → ... (→ a)
        path.RemoveAt(path.Count - 1);
        path.Insert(0, a);
        return path;
    }
}
