// `strata compile MODEL.onnx`: runs Strata's graph compiler (import, passes, partition, arena plan, hash) and prints what it
// made: the compile log with --log, the final graph's summary, the kernel of each step family and the executable's hash.
using System.CommandLine;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Caching;
using Strata.Compiler.Graphs.Lowering;
using Strata.OnnxRuntime;

namespace Strata.Cli;

/// <summary>Builds the compile command.</summary>
internal static class CompileCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "an ONNX model (*.onnx)" };
        var log = new Option<bool>("--log") { Description = "print the compile log first, one line per entry: \"pass: message\"" };
        var outputs = new Option<string[]>("--output")
        {
            Description = "a graph output to compute (repeatable; default: all the model's outputs)",
            AllowMultipleArgumentsPerToken = false,
        };
        var noFallback = new Option<bool>("--no-fallback")
        {
            Description = "refuse to hand nodes without a Strata kernel to ONNX Runtime: the compile fails naming their operators",
        };
        var cache = new Option<string?>("--cache")
        {
            Description = "directory of the on-disk cache of optimised graphs (*.sgx), read when its entry verifies and written otherwise (default: no cache)",
        };
        var format = CommonOptions.Format();
        var threads = CommonOptions.Threads();
        threads.Description = "ONNX Runtime's threads for the nodes without a Strata kernel, which it loads to learn their output types (default: all cores)";
        var batch = new Option<int>("--batch") { Description = "most sequences one run holds (the 'batch' symbol's bound)", DefaultValueFactory = _ => 64 };
        var sequence = new Option<int>("--sequence") { Description = "longest sequence one run holds (the 'sequence' symbol's bound)", DefaultValueFactory = _ => 512 };
        var tokens = new Option<int>("--tokens") { Description = "most tokens (batch × sequence) one run holds: the arena is planned for this", DefaultValueFactory = _ => 4096 };
        var command = new Command("compile", "compile an ONNX model with Strata's graph compiler and print the final graph, its arena plan, kernels and executable hash")
        {
            model, log, outputs, noFallback, cache, format, threads, batch, sequence, tokens,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"model '{path}' not found", path);
            }

            var bounds = CapacityBounds.Encoder(Positive(parse.GetValue(batch), "--batch"), Positive(parse.GetValue(sequence), "--sequence"),
                Positive(parse.GetValue(tokens), "--tokens"));
            bool allowFallback = !parse.GetValue(noFallback);
            string[] names = parse.GetValue(outputs) ?? [];
            var options = new GraphCompileOptions(bounds, string.Empty, Kernels.KernelIsa.Active, allowFallback, names.Length == 0 ? null : names)
            {
                ForeignRuntime = allowFallback ? new OnnxRuntimeForeign(Positive(parse.GetValue(threads), "--threads")) : null,
            };
            var cacheDirectory = parse.GetValue(cache);
            using var executable = GraphCompiler.Compile(path, options, cacheDirectory is null ? null : new ExecutableCache(cacheDirectory));
            var report = new CompileReport(executable);
            Console.Out.WriteLine(parse.GetValue(format) == "json" ? report.ToJson() : report.ToText(parse.GetValue(log)));
            return 0;
        });
        return command;
    }

    private static int Positive(int value, string option) =>
        value >= 1 ? value : throw new ArgumentException($"{option} is {value}; it must be at least 1");
}
