// A policy file that cannot be used, naming where in it the problem is; caught at load and turned into a deny-all policy.
namespace Strata.Agents;

/// <summary>
/// Thrown while a policy file is read when something in it is wrong; <see cref="Field"/> is where (a JSON path,
/// with the rule's id once known). <see cref="Policy.Load"/> and <see cref="Policy.FromJson"/> never let it escape.
/// </summary>
internal sealed class PolicyFormatException : Exception
{
    /// <summary>Creates the exception for a place in the file.</summary>
    public PolicyFormatException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
        Detail = message;
    }

    /// <summary>Creates the exception.</summary>
    public PolicyFormatException()
        : this("$", "the policy file is invalid")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PolicyFormatException(string message)
        : this("$", message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PolicyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "$";
        Detail = message;
    }

    /// <summary>Where the problem is: a JSON path such as <c>$.rules[2].decision</c>, maybe naming the rule.</summary>
    public string Field { get; }

    /// <summary>What is wrong there, without the place.</summary>
    public string Detail { get; }
}
