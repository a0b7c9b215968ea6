// The `strata` command: probe, generate, embed, bench, synth, serve, inspect, compile, chat, template, agent, pull, models. Parses options once and maps every failure to a clear message.
using System.CommandLine;
using Strata.Cli;

var root = new RootCommand("Strata — an AI runtime for .NET: load GGUF and llama2.c models and generate on the CPU.")
{
    ProbeCommand.Create(),
    GenerateCommand.Create(),
    EmbedCommand.Create(),
    BenchCommand.Create(),
    SynthCommand.Create(),
    ServeCommand.Create(),
    InspectCommand.Create(),
    CompileCommand.Create(),
    ChatCommand.Create(),
    TemplateCommand.Create(),
    AgentCommand.Create(),
    PullCommand.Create(),
    ModelsCommand.Create(),
    ClusterCommand.Create(),
};
return CliErrors.Run(() =>
{
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        foreach (var error in parse.Errors)
        {
            Console.Error.WriteLine($"error: {error.Message}");
        }

        Console.Error.WriteLine($"see '{parse.CommandResult.Command.Name} --help'");
        return CliErrors.BadInput;
    }

    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
});
