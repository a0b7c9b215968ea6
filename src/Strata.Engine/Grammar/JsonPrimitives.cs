// The built-in GBNF rules of JSON: values, strings, numbers, and the string formats we can express soundly.
namespace Strata.Engine.Grammar;

/// <summary>
/// Bodies of the rules every JSON grammar may use, with the rules each depends on. Written so that every text they
/// accept is valid JSON that System.Text.Json reads back: string characters exclude raw control characters and DEL,
/// <c>\u</c> escapes exclude surrogates (a lone one cannot be decoded); numbers have at most 16 integer digits, 15
/// fraction digits and a one-digit exponent, so every number fits a .NET decimal (validators compare numbers as decimals). <c>lchar</c> is the character of length-limited strings: printable
/// ASCII and the escapes <c>\" \\ \/ \b \f \n \t</c>, because validators count grapheme clusters (JsonSchema.Net does),
/// and a combining mark, a second regional indicator or "\r" before "\n" would merge with its neighbour. The formats
/// match RFC 3339 dates (month-aware days, no 29 February: leap years are not tracked), times with an offset, UUIDs,
/// and a plain subset of e-mail addresses. <see cref="Rule"/> gives ws (around brackets) and sep (after ':' and ',').
/// </summary>
internal static class JsonPrimitives
{
    private static readonly Dictionary<string, (string Body, string[] Needs)> Rules = new(StringComparer.Ordinal)
    {
        ["value"] = ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        ["object"] = ("\"{\" ws ( string \":\" sep value ( \",\" sep string \":\" sep value )* )? ws \"}\"", ["string", "value", "ws", "sep"]),
        ["array"] = ("\"[\" ws ( value ( \",\" sep value )* )? ws \"]\"", ["value", "ws", "sep"]),
        ["string"] = ("\"\\\"\" char* \"\\\"\"", ["char"]),
        ["char"] = ("[^\"\\\\\\x00-\\x1F\\x7F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" hex4 )", ["hex4"]),
        ["hex4"] = ("[0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}", []),
        ["lchar"] = ("[ !#-\\[\\]-~] | \"\\\\\" [\"\\\\/bfnt]", []),
        ["number"] = ("integer ( \".\" [0-9]{1,15} )? ( [eE] [-+]? [0-9] )?", ["integer"]),
        ["integer"] = ("\"-\"? ( \"0\" | [1-9] [0-9]{0,15} )", []),
        ["boolean"] = ("\"true\" | \"false\"", []),
        ["null"] = ("\"null\"", []),
        ["date"] = ("[1-9] [0-9]{3} \"-\" ( ( \"0\" [13578] | \"1\" [02] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] ) "
            + "| ( \"0\" [469] | \"11\" ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"30\" ) | \"02-\" ( \"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8] ) )", []),
        ["time"] = ("( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,6} )? "
            + "( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )", []),
        ["date-time"] = ("date \"T\" time", ["date", "time"]),
        ["uuid"] = ("[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}", []),
        ["email"] = ("[a-z0-9]{1,16} ( \".\" [a-z0-9]{1,16} )? \"@\" [a-z0-9]{1,16} \".\" [a-z]{2,6}", []),
    };

    /// <summary>The formats of strings the compiler expresses.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["date", "time", "date-time", "uuid", "email"];

    /// <summary>True for the names of built-in rules (a schema-derived rule of the same name is renamed).</summary>
    public static bool IsBuiltIn(string name) => Rules.ContainsKey(name) || name is "ws" or "sep" or "root";

    /// <summary>The body of built-in <paramref name="name"/> and the built-ins it references.</summary>
    public static (string Body, string[] Needs) Rule(string name, JsonWhitespace whitespace) => name switch
    {
        "ws" => (whitespace == JsonWhitespace.Flexible ? FlexibleSpace : "\"\"", []),
        "sep" => (whitespace switch
        {
            JsonWhitespace.Flexible => FlexibleSpace,
            JsonWhitespace.Minimal => "\" \"?",
            _ => "\"\"",
        }, []),
        _ => Rules[name],
    };

    // llama.cpp's SPACE_RULE.
    private const string FlexibleSpace = "\"\" | \" \" | \"\\n\"{1,2} [ \\t]{0,20}";
}
