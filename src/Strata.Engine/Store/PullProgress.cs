// A download's progress, reported as bytes arrive.
namespace Strata.Engine.Store;

/// <summary>How far a pull has come.</summary>
/// <param name="File">The file being downloaded.</param>
/// <param name="ReceivedBytes">Bytes on disk so far, resumed bytes included.</param>
/// <param name="TotalBytes">The file's size, or null when the hub does not say.</param>
public readonly record struct PullProgress(string File, long ReceivedBytes, long? TotalBytes);
