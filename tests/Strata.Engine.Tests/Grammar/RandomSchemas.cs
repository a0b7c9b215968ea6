// A seeded generator of JSON Schemas whose instances are small and bounded, for soundness and acceptance tests.
using System.Text.Json.Nodes;

namespace Strata.Engine.Tests.Grammar;

/// <summary>
/// Random schemas over the features the compiler supports: nested objects (required subsets, additionalProperties
/// false), arrays with min/max items, tuples, strings with lengths, formats, enums and anchored patterns, bounded integers
/// and numbers, booleans, nulls, consts, enums, anyOf, disjoint oneOf, type lists, allOf of objects, and $ref into $defs
/// (one of them recursive). Every string, array and number is bounded, and a schema has at most about ten compound nodes,
/// so a generation finishes within a small token budget (the acceptance test checks that none runs out).
/// </summary>
internal sealed class RandomSchemas(int seed)
{
    private static readonly string[] Names = ["id", "name", "age", "tags", "kind", "value", "items", "date", "note", "score", "flag", "meta"];
    private static readonly string[] Formats = ["date", "time", "date-time", "uuid", "email"];
    private static readonly string[] Patterns = ["^[a-z]{2,5}$", "^[A-Z][a-z]{1,4}$", "^\\d{3}-\\d{4}$", "^(red|green|blue)$", "^[a-f0-9]{4,8}$", "^x\\.y{1,3}$", "^[^\"\\\\]{1,4}$"];
    private const int NodeBudget = 8;
    private readonly Random _random = new(seed);
    private bool _usesDefs;
    private int _nodes;

    /// <summary>The next schema, as JSON text.</summary>
    public string Next()
    {
        _usesDefs = false;
        _nodes = 0;
        var root = Object(0, _random.Next(1, 4));
        if (_usesDefs)
        {
            root["$defs"] = Definitions();
        }

        return root.ToJsonString();
    }

    private JsonObject Node(int depth)
    {
        // Past the depth or node budget only scalars, so that every instance stays small.
        int kind = depth >= 3 || ++_nodes > NodeBudget ? _random.Next(6) : _random.Next(16);
        return kind switch
        {
            0 => String(),
            1 => Integer(),
            2 => Number(),
            3 => new JsonObject { ["type"] = "boolean" },
            4 => Constant(),
            5 => Enum(),
            6 => Object(depth + 1, _random.Next(1, 4)),
            7 => Array(depth),
            8 => Tuple(depth),
            9 => new JsonObject { ["anyOf"] = new JsonArray(Node(depth + 1), Node(depth + 1)) },
            10 => OneOf(depth),
            11 => new JsonObject { ["type"] = new JsonArray("string", "null"), ["maxLength"] = _random.Next(1, 6) },
            12 => Reference(),
            13 => AllOf(depth),
            14 => new JsonObject { ["type"] = "null" },
            _ => String(),
        };
    }

    private JsonObject Object(int depth, int count)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (string name in Pick(count))
        {
            properties[name] = Node(depth);
            if (_random.Next(3) > 0)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        if (_random.Next(3) == 0)
        {
            schema["additionalProperties"] = false;
        }

        return schema;
    }

    private JsonObject Array(int depth)
    {
        int min = _random.Next(2);
        return new JsonObject
        {
            ["type"] = "array",
            ["items"] = Node(depth + 2),
            ["minItems"] = min,
            ["maxItems"] = min + _random.Next(3),
        };
    }

    private JsonObject Tuple(int depth)
    {
        var prefix = new JsonArray();
        int count = _random.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            prefix.Add(Node(depth + 1));
        }

        return new JsonObject { ["type"] = "array", ["prefixItems"] = prefix, ["items"] = false, ["minItems"] = _random.Next(count + 1) };
    }

    private JsonObject String()
    {
        switch (_random.Next(4))
        {
            case 0:
                return new JsonObject { ["type"] = "string", ["format"] = Formats[_random.Next(Formats.Length)] };
            case 1:
                return new JsonObject { ["type"] = "string", ["pattern"] = Patterns[_random.Next(Patterns.Length)] };
            default:
                int max = _random.Next(0, 9);
                return new JsonObject { ["type"] = "string", ["minLength"] = _random.Next(max + 1), ["maxLength"] = max };
        }
    }

    private JsonObject Integer()
    {
        var schema = new JsonObject { ["type"] = "integer" };
        Bounds(schema);
        return schema;
    }

    private JsonObject Number()
    {
        var schema = new JsonObject { ["type"] = "number" };
        Bounds(schema);
        return schema;
    }

    private void Bounds(JsonObject schema)
    {
        int low = _random.Next(-1000, 1000);
        int high = low + _random.Next(0, 2000);
        switch (_random.Next(5))
        {
            case 0:
                schema["minimum"] = low;
                break;
            case 1:
                schema["maximum"] = high;
                break;
            case 2:
                schema["minimum"] = low;
                schema["maximum"] = high;
                break;
            case 3:
                schema["exclusiveMinimum"] = low;
                schema["exclusiveMaximum"] = high + 2;
                break;
        }
    }

    private JsonObject Constant() => new() { ["const"] = Scalar() };

    private JsonObject Enum()
    {
        var values = new JsonArray();
        var seen = new HashSet<string>();
        for (int i = _random.Next(1, 5); i > 0; i--)
        {
            var value = Scalar();
            if (seen.Add(value?.ToJsonString() ?? "null"))
            {
                values.Add(value);
            }
        }

        return new JsonObject { ["enum"] = values };
    }

    private JsonValue? Scalar() => _random.Next(5) switch
    {
        0 => JsonValue.Create(Names[_random.Next(Names.Length)] + (_random.Next(2) == 0 ? " é\"" : string.Empty)),
        1 => JsonValue.Create(_random.Next(-50, 50)),
        2 => JsonValue.Create(_random.Next(2) == 0),
        3 => null,
        _ => JsonValue.Create(_random.Next(-500, 500) / 4.0),
    };

    // Alternatives of different type families cannot match the same value.
    private JsonObject OneOf(int depth)
    {
        var families = new List<int> { 0, 1, 2, 3, 4 };
        var alternatives = new JsonArray();
        for (int i = _random.Next(2, 4); i > 0; i--)
        {
            int family = families[_random.Next(families.Count)];
            families.Remove(family);
            alternatives.Add(family switch
            {
                0 => String(),
                1 => Integer(),
                2 => new JsonObject { ["type"] = "boolean" },
                3 => Array(depth),
                _ => Object(depth + 1, _random.Next(1, 3)),
            });
        }

        return new JsonObject { ["oneOf"] = alternatives };
    }

    private JsonObject AllOf(int depth)
    {
        var names = Pick(4);
        var first = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { [names[0]] = Node(depth + 1), [names[1]] = Node(depth + 1) }, ["required"] = new JsonArray(names[0]) };
        var second = new JsonObject { ["properties"] = new JsonObject { [names[2]] = Node(depth + 1) }, ["required"] = new JsonArray(names[2]) };
        return new JsonObject { ["allOf"] = new JsonArray(first, second) };
    }

    private JsonObject Reference()
    {
        _usesDefs = true;
        string[] defs = ["point", "color", "node"];
        return new JsonObject { ["$ref"] = "#/$defs/" + defs[_random.Next(defs.Length)] };
    }

    private static JsonObject Definitions() => new()
    {
        ["point"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["x"] = new JsonObject { ["type"] = "integer", ["minimum"] = -99, ["maximum"] = 99 },
                ["y"] = new JsonObject { ["type"] = "integer", ["minimum"] = -99, ["maximum"] = 99 },
            },
            ["required"] = new JsonArray("x", "y"),
        },
        ["color"] = new JsonObject { ["enum"] = new JsonArray("red", "green", "blue") },
        ["node"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["v"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 9 },
                ["next"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/$defs/node" }, new JsonObject { ["type"] = "null" }) },
            },
            ["required"] = new JsonArray("v"),
        },
    };

    private List<string> Pick(int count)
    {
        var names = new List<string>(Names);
        var picked = new List<string>();
        for (int i = 0; i < count; i++)
        {
            int at = _random.Next(names.Count);
            picked.Add(names[at]);
            names.RemoveAt(at);
        }

        return picked;
    }
}
