// `strata synth`: write a random-weight GGUF of a realistic shape in one of llama.cpp's architectures, quantized by Strata's own quantizers.
using System.CommandLine;
using System.Diagnostics;
using Strata.Engine.Synthesis;

namespace Strata.Cli;

/// <summary>Builds the synth command.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch")
        {
            Description = $"architecture: {string.Join(" | ", SyntheticModel.ArchitectureNames)} (default: the preset's own, or llama)",
        };
        var shape = new Option<string>("--shape")
        {
            Description = $"{string.Join(" | ", ModelShape.Presets.Keys)} | d=..,layers=..,heads=..,kv-heads=..,ffn=..,vocab=..[,ctx=..][,tied=1]"
                + " plus the architecture's keys (head-dim, window, swa-pattern, experts, experts-used, expert-ffn, rope-base, rope-base-swa,"
                + " rope-scaling, rope-factor, rope-orig-ctx, long-rope, softcap-attn, softcap-final)",
            Required = true,
        };
        var quant = new Option<string>("--quant") { Description = $"one of {string.Join(", ", QuantRecipe.Names)}", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "weights seed", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out", "-o") { Description = "output GGUF path", Required = true };
        var vocabFrom = new Option<string?>("--vocab-from") { Description = "borrow the tokenizer (and vocabulary size, chat template) of this GGUF or Hugging Face tokenizer.json (byte-level BPE: Qwen 2/3, Llama 3)" };
        var command = new Command("synth", "write a random-weight model of a realistic shape as GGUF (for benchmarks and tests)")
        {
            arch, shape, quant, seed, output, vocabFrom,
        };
        command.SetAction(parse =>
        {
            var options = new SynthOptions(ModelShape.Parse(parse.GetValue(shape)!, parse.GetValue(arch)), QuantRecipe.Parse(parse.GetValue(quant)!),
                parse.GetValue(seed), parse.GetValue(vocabFrom));
            string path = parse.GetValue(output)!;
            long start = Stopwatch.GetTimestamp();
            var histogram = SyntheticModel.Write(options, path);
            Console.Error.WriteLine(
                $"wrote {path}: {new FileInfo(path).Length / 1048576.0:F1} MiB, tensors {string.Join(" ", histogram)}, "
                + $"{Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}
