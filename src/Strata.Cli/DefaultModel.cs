// The model Strata ships (models/stories260K.gguf in the repository), used by generate and serve when no --model is given.
namespace Strata.Cli;

/// <summary>Finds the default model beside the <c>strata</c> binary (the build and the tool package copy it there).</summary>
internal static class DefaultModel
{
    /// <summary>The default model's file name.</summary>
    public const string FileName = "stories260K.gguf";

    /// <summary>Where the default model must be: <c>models/</c> beside the running binary.</summary>
    public static string PathBesideBinary => Path.Combine(AppContext.BaseDirectory, "models", FileName);

    /// <summary>Text for --help that says when the default model is used.</summary>
    public static string Help(string when) => $"(default: the embedded {FileName}, a 1.2 MB TinyStories model, used only when {when})";

    /// <summary>The model to load: <paramref name="given"/> (a file, or a cached model's <c>owner/repo[:file]</c> when no such file exists),
    /// or the default model when none was given.</summary>
    /// <exception cref="FileNotFoundException">No model was given and the default model is not beside the binary.</exception>
    public static string Resolve(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return ModelStore.TryResolveCached(given) ?? given;
        }

        string path = PathBesideBinary;
        if (!File.Exists(path))
        {
            // A copy of the binary without its models/ folder: say where the file was expected and how to go on.
            throw new FileNotFoundException($"no --model given and the default model was not found: expected {path} beside the strata binary; give --model PATH", path);
        }

        return path;
    }
}
