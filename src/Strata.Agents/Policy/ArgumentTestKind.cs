// The tests an argument constraint can apply; internal, chosen once at load from the field that was written.
namespace Strata.Agents;

/// <summary>Which test a compiled <see cref="ArgumentCheck"/> applies.</summary>
internal enum ArgumentTestKind
{
    /// <summary><c>inside_folder</c>: a string path inside a folder.</summary>
    InsideFolder = 0,

    /// <summary><c>max</c>: a number no greater than a bound.</summary>
    Max = 1,

    /// <summary><c>min</c>: a number no less than a bound.</summary>
    Min = 2,

    /// <summary><c>equals</c> and <c>one_of</c>: equal to one of some JSON values.</summary>
    OneOf = 3,

    /// <summary><c>pattern</c>: a string matching a regular expression in full.</summary>
    Pattern = 4,
}
