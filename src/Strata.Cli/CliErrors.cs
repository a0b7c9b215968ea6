// Maps every failure to one line on stderr and an exit code; no stack trace reaches a user.
using Strata.Compiler;
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Templates;

namespace Strata.Cli;

/// <summary>Exit codes and the top-level error boundary.</summary>
internal static class CliErrors
{
    /// <summary>Bad input: model file, prompt, option, or a chat template that fails or refuses the conversation.</summary>
    public const int BadInput = 2;

    /// <summary>A defect in Strata (reported with its type so it can be filed).</summary>
    public const int InternalError = 70;

    /// <summary>Runs <paramref name="body"/> and turns exceptions into messages and exit codes.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsBadInput(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error ({e.GetType().Name}): {e.Message}");
            Console.Error.WriteLine("this is a Strata defect; please report it with the command line");
            return InternalError;
        }
    }

    private static bool IsBadInput(Exception e) => e is ModelFormatException or CompileException or Compiler.Onnx.OnnxFormatException or PromptTooLongException or TemplateException
        or GrammarException or SchemaException or Agents.ContractException or Agents.StoreException or Agents.McpToolException or Engine.Store.ModelStoreException or System.Text.Json.JsonException or ArgumentException or FileNotFoundException or InvalidDataException or DirectoryNotFoundException or UnauthorizedAccessException or IOException;
}
