// `strata inspect MODEL`: what the compiler makes of a model - metadata, compile log, matrix products with their kernels
// per row-count bucket, arena size and executable hash - without loading the weights (the file is mapped, not copied).
// An .onnx file is read and validated and its graph summarised (OnnxInspectReport) until the ONNX importer exists.
using System.CommandLine;
using Strata.Engine.Artifacts;
using Strata.Engine.Runtime;

namespace Strata.Cli;

/// <summary>Builds the inspect command.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model")
        {
            Description = "model file: GGUF, an ONNX model (*.onnx: summary only), or a llama2.c checkpoint (*.bin) with --tokenizer " + DefaultModel.Help("it is not given"),
            Arity = ArgumentArity.ZeroOrOne,
        };
        var tokenizer = CommonOptions.Tokenizer();
        var format = CommonOptions.Format();
        var numerics = CommonOptions.Numerics();
        var context = CommonOptions.Context();
        var invariant = new Option<bool>("--batch-invariant") { Description = "compile as strata generate --batch-invariant (and strata serve) do" };
        var batch = new Option<int>("--batch") { Description = "most token rows one pass takes (prefill chunk)", DefaultValueFactory = _ => 64 };
        var sequences = new Option<int>("--sequences") { Description = "sequences decoded together (output rows of one pass)", DefaultValueFactory = _ => 1 };
        var command = new Command("inspect", "print a model's metadata, the compile log, each matrix product's kernels by row count, the arena size and the executable hash")
        {
            model, tokenizer, format, numerics, context, invariant, batch, sequences,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(model) is { } path && OnnxInspectReport.IsOnnxPath(path))
            {
                using var onnx = Compiler.Onnx.OnnxModel.Load(path);
                var summary = new OnnxInspectReport(Compiler.Onnx.OnnxModelSummary.Of(onnx));
                Console.Out.WriteLine(parse.GetValue(format) == "json" ? summary.ToJson() : summary.ToText());
                return 0;
            }

            var options = new EngineOptions(Threads: 1, ContextTokens: parse.GetValue(context), BatchTokens: parse.GetValue(batch),
                Sequences: parse.GetValue(sequences), Mode: CommonOptions.ToMode(parse.GetValue(numerics)!), BatchInvariant: parse.GetValue(invariant));
            options.Validate();
            using var artifact = ModelArtifact.Open(DefaultModel.Resolve(parse.GetValue(model)), parse.GetValue(tokenizer), Substrate.FileLoad.Map);
            var report = InspectReport.Build(artifact, options);
            Console.Out.WriteLine(parse.GetValue(format) == "json" ? report.ToJson() : report.ToText());
            return 0;
        });
        return command;
    }
}
