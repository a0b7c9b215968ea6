// Options shared by several commands.
using System.CommandLine;

namespace Strata.Cli;

/// <summary>Factory for options used by more than one command.</summary>
internal static class CommonOptions
{
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "model file: GGUF, or a llama2.c checkpoint (*.bin) with --tokenizer",
        Required = true,
    };

    /// <summary>--model for commands that fall back to the embedded default model when it is not given.</summary>
    public static Option<string?> ModelOrDefault() => new("--model", "-m")
    {
        Description = "model file: GGUF, a cached model (owner/repo[:file], see strata pull), or a llama2.c checkpoint (*.bin) with --tokenizer " + DefaultModel.Help("no --model is given"),
    };

    public static Option<string?> Tokenizer() => new("--tokenizer")
    {
        Description = "llama2.c tokenizer file (tok*.bin) for a llama2.c checkpoint",
    };

    public static Option<int> Threads() => new("--threads", "-t")
    {
        Description = "kernel worker threads (default: all cores)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<int> Context() => new("--ctx")
    {
        Description = "context size in tokens (default: the model's, at most 4096)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<string> Format() => new Option<string>("--format")
    {
        Description = "output format",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public static Option<string> Numerics() => new Option<string>("--numerics")
    {
        Description = "fast (default): quantized weights meet 8-bit activations in integer dots, as llama.cpp computes; "
            + "a lone F16 decode row meets its activations rounded to halves, as llama.cpp computes F16; "
            + "exact: f32 activations (matches exact-math references)",
        DefaultValueFactory = _ => "fast",
    }.AcceptOnlyFromAmong("exact", "fast");

    /// <summary>--mmap: map the model file in place instead of copying it into memory at load.</summary>
    public static Option<bool> Mmap() => new("--mmap")
    {
        Description = "map the model file in place instead of copying it into memory at load: lazy loading and page-cache " +
            "pages shared between processes, but truncating the file while it is in use crashes the process and overwriting it " +
            "changes the output (default: copy, which nothing done to the file can reach)",
    };

    public static Strata.Substrate.FileLoad ToLoad(bool mmap) => mmap ? Strata.Substrate.FileLoad.Map : Strata.Substrate.FileLoad.Copy;

    /// <summary>--kv-type f32|f16: the KV cache's element type (null when not given).</summary>
    public static Option<string?> KvType()
    {
        var option = new Option<string?>("--kv-type")
        {
            Description = "KV cache elements: f32 (default) or f16 (half the memory, values rounded when stored, as llama.cpp's default)",
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not (null or "f32" or "f16"))
            {
                result.AddError($"option '--kv-type' is '{value}', expected f32 or f16");
            }
        });
        return option;
    }

    public static Strata.Kernels.GgmlType ToKvType(string? value) =>
        value == "f16" ? Strata.Kernels.GgmlType.F16 : Strata.Kernels.GgmlType.F32;

    public static Strata.Kernels.NumericMode ToMode(string value) =>
        value == "fast" ? Strata.Kernels.NumericMode.QuantizedActivations : Strata.Kernels.NumericMode.Exact;
}
