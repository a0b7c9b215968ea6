// Raised by a sub-agent tool whose sub-task waits for a person: the parent's call then waits too, with the same key.
namespace Strata.Agents;

/// <summary>The sub-task behind a call waits for approval; the call is made again (same key) once it is resolved.</summary>
public sealed class SubTaskWaitingException : Exception
{
    /// <summary>Creates the exception for a waiting sub-task.</summary>
    public SubTaskWaitingException(string childTaskId)
        : base($"sub-task {childTaskId} waits for approval")
    {
        ChildTaskId = childTaskId;
    }

    /// <summary>Creates the exception.</summary>
    public SubTaskWaitingException()
        : this("(unknown)")
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SubTaskWaitingException(string message, Exception innerException)
        : base(message, innerException)
    {
        ChildTaskId = "(unknown)";
    }

    /// <summary>The waiting sub-task.</summary>
    public string ChildTaskId { get; }
}
