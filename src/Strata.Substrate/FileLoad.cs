// How a model file's bytes reach memory: copied into the process, or mapped from the file in place.
namespace Strata.Substrate;

/// <summary>How <see cref="MappedFile"/> brings a file's bytes into the address space.</summary>
public enum FileLoad
{
    /// <summary>
    /// Read once into private anonymous memory, then made read-only: nothing done to the file afterwards (truncated,
    /// copied over, overwritten in place, deleted) reaches the bytes in use. Costs one read of the file at load, and the
    /// whole file is resident from the start.
    /// </summary>
    Copy = 0,

    /// <summary>
    /// Mapped read-only in place (mmap): pages come from the page cache as they are first touched and can be shared with
    /// other processes mapping the same file. A file truncated under the mapping faults the process (SIGBUS) when a lost
    /// page is read, and a write to the file in place changes the bytes in use.
    /// </summary>
    Map = 1,
}
