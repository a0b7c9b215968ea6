// Strata's own file tools (read, append a line, write, delete), declared for governance; policy confines their paths.
using System.Text;
using System.Text.Json;

namespace Strata.Agents;

/// <summary>
/// File tools. They go where their <c>path</c> argument says (a relative path is relative to the process's working
/// folder, as the policy resolves it too): confine them with policy argument constraints (<c>inside_folder</c>).
/// Writing tools create the file's folder. <c>append_line</c> is deliberately not idempotent (a repeat appends twice), which is what
/// the crash tests exercise; <c>write_file</c> is (the same content twice is one write).
/// </summary>
public static class FileTools
{
    /// <summary>Scope of the reading tool.</summary>
    public const string ReadScope = "files.read";

    /// <summary>Scope of the writing tools.</summary>
    public const string WriteScope = "files.write";

    private static readonly JsonElement PathSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"],"additionalProperties":false}""");
    private static readonly JsonElement LineSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"line":{"type":"string"}},"required":["path","line"],"additionalProperties":false}""");
    private static readonly JsonElement ContentSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"],"additionalProperties":false}""");

    /// <summary>All four tools.</summary>
    public static IReadOnlyList<AgentTool> All() => [ReadFile(), AppendLine(), WriteFile(), DeleteFile()];

    /// <summary><c>read_file(path)</c>: the file's text.</summary>
    public static AgentTool ReadFile() => new("read_file", "Reads a UTF-8 text file and returns its content.", PathSchema,
        new ToolDeclaration { Effects = ToolEffects.Read, Scope = ReadScope, Idempotent = true },
        (call, _) => Run(() => File.ReadAllText(Path(call))));

    /// <summary><c>append_line(path, line)</c>: appends the line and a newline; not idempotent.</summary>
    public static AgentTool AppendLine() => new("append_line", "Appends one line of text to a file (creating it if absent).", LineSchema,
        new ToolDeclaration { Effects = ToolEffects.Write, Scope = WriteScope, Idempotent = false },
        (call, _) => Run(() =>
        {
            var line = String(call, "line");
            using (var stream = new FileStream(Created(Path(call)), FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
                stream.Flush(flushToDisk: true);
            }

            return $"appended {line.Length} characters";
        }));

    /// <summary><c>write_file(path, content)</c>: replaces the file's content; idempotent; undone by <c>delete_file</c>.</summary>
    public static AgentTool WriteFile() => new("write_file", "Writes text to a file, replacing what it held.", ContentSchema,
        new ToolDeclaration { Effects = ToolEffects.Write, Scope = WriteScope, Idempotent = true, CompensatingTool = "delete_file" },
        (call, _) => Run(() =>
        {
            File.WriteAllText(Created(Path(call)), String(call, "content"));
            return "written";
        }));

    /// <summary><c>delete_file(path)</c>: deletes the file if it exists; idempotent.</summary>
    public static AgentTool DeleteFile() => new("delete_file", "Deletes a file if it exists.", PathSchema,
        new ToolDeclaration { Effects = ToolEffects.Write | ToolEffects.Irreversible, Scope = WriteScope, Idempotent = true },
        (call, _) => Run(() =>
        {
            File.Delete(Path(call));
            return "deleted";
        }));

    private static ValueTask<ToolResult> Run(Func<string> action)
    {
        try
        {
            return ValueTask.FromResult(new ToolResult(action()));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or KeyNotFoundException)
        {
            return ValueTask.FromResult(new ToolResult(error.Message, IsError: true));
        }
    }

    // The file's folder, created if absent (the policy has already confined the path).
    private static string Created(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    private static string Path(ToolInvocation call) => System.IO.Path.GetFullPath(String(call, "path"));

    private static string String(ToolInvocation call, string name) =>
        call.Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ArgumentException($"argument '{name}' must be a string");

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
