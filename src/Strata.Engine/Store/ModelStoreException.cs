// The one failure type of the model store: a bad reference, a miss in the cache, a hub that answers wrongly, a file that fails its checksum.
namespace Strata.Engine.Store;

/// <summary>A model reference, the cache or the hub failed; the message names what was expected, what was found and where.</summary>
public class ModelStoreException : Exception
{
    /// <summary>Creates the exception with a message that names the failure.</summary>
    public ModelStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure beneath it.</summary>
    public ModelStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
