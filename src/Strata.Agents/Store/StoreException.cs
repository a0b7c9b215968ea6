// A store that cannot be opened or read: a damaged file, a newer schema, a locked database.
namespace Strata.Agents;

/// <summary>Thrown when the checkpoint store cannot do what was asked; the message names the file and the cause.</summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
