// A task contract that cannot be accepted, naming the field that is wrong.
namespace Strata.Agents;

/// <summary>Thrown when a task contract is invalid; <see cref="Field"/> is the JSON path of the offending field.</summary>
public sealed class ContractException : Exception
{
    /// <summary>Creates the exception for a field.</summary>
    public ContractException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
    }

    /// <summary>Creates the exception.</summary>
    public ContractException()
        : this("$", "the task contract is invalid")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContractException(string message)
        : this("$", message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContractException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "$";
    }

    /// <summary>The JSON path of the field that is wrong (<c>$.budgets.max_steps</c>).</summary>
    public string Field { get; }
}
