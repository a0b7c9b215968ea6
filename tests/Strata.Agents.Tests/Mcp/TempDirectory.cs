// A temporary folder for one test, deleted with everything in it when the test ends.
namespace Strata.Agents.Tests.Mcp;

/// <summary>A fresh folder under the system temp folder, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempDirectory() => Path = System.IO.Directory.CreateTempSubdirectory("strata-mcp-").FullName;

    /// <summary>Its full path.</summary>
    public string Path { get; }

    /// <summary>A path inside it.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Removes the folder and its contents.</summary>
    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
