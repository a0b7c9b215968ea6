// One constraint of a policy rule on a tool call's JSON arguments: where the argument is, and the one test it must pass.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Agents;

/// <summary>
/// A constraint on one argument of a tool call: <see cref="Path"/> names it, and exactly one test is given. A
/// missing argument, or one of the wrong JSON kind for the test, fails the constraint, so an allow rule never
/// allows a call that lacks the argument it constrains (and a deny rule never denies one). To bound a value on
/// both sides, write two constraints on the same path.
/// </summary>
public sealed record PolicyArgumentConstraint
{
    /// <summary>
    /// The argument: a top-level property name of the arguments object, or a dotted path into nested objects
    /// (<c>target.path</c>). Names are matched exactly; arrays cannot be indexed, and a name containing a dot cannot
    /// be reached.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// An absolute folder: the argument must be an absolute string path that lies in it (or is it). A relative argument
    /// never matches (the tool would resolve it against a working folder the policy cannot know); <c>.</c> and <c>..</c>
    /// are resolved lexically (<see cref="System.IO.Path.GetFullPath(string, string)"/>)
    /// before the check, so <c>/data/../etc</c> is outside <c>/data</c>, and <c>/data-evil</c> is outside it too.
    /// Symbolic links are not followed: a link inside the folder that points out of it is not detected here.
    /// Names compare case-sensitively except on Windows and macOS, whose file systems ignore case by default.
    /// </summary>
    public string? InsideFolder { get; init; }

    /// <summary>The argument must be a JSON number no greater than this.</summary>
    public double? Max { get; init; }

    /// <summary>The argument must be a JSON number no less than this.</summary>
    public double? Min { get; init; }

    /// <summary>
    /// The argument must equal this JSON value (numbers by value, objects regardless of property order). Written
    /// <c>equals</c>; <c>"equals": null</c> asks for a JSON null, and <see cref="JsonValueKind.Undefined"/> means absent.
    /// </summary>
    [JsonPropertyName("equals")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement EqualTo { get; init; }

    /// <summary>The argument must equal one of these JSON values.</summary>
    public IReadOnlyList<JsonElement>? OneOf { get; init; }

    /// <summary>
    /// A .NET regular expression the argument (a JSON string) must match in full; each match may take at most one
    /// second, and a match that takes longer denies the call.
    /// </summary>
    public string? Pattern { get; init; }
}
