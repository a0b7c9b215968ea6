// The `strata` command: probe, generate, bench. Parses options once and maps every failure to a clear message.
using System.CommandLine;
using Strata.Cli;

var root = new RootCommand("Strata — an AI runtime for .NET: load GGUF and llama2.c models and generate on the CPU.")
{
    ProbeCommand.Create(),
    GenerateCommand.Create(),
    BenchCommand.Create(),
};
return CliErrors.Run(() => root.Parse(args).Invoke());
