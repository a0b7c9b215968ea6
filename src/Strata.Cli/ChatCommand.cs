// `strata chat`: an interactive conversation with a model in its own chat template, like `ollama run` and `llama-cli -cnv`.
using System.CommandLine;
using Microsoft.Extensions.AI;
using Strata.Engine;

namespace Strata.Cli;

/// <summary>
/// Builds the chat command. Each line read is a user turn; the answer streams as it is generated and joins the history.
/// <c>/system TEXT</c> sets the system message, <c>/reset</c> clears the history, <c>/exit</c> (or end of input) quits.
/// Ctrl+C stops the answer being generated (the part written so far stays in the history) and leaves the program running;
/// at the prompt it quits. Reads from a terminal or from redirected input alike.
/// </summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelOrDefault();
        var system = new Option<string?>("--system") { Description = "system message for the conversation" };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "most tokens per answer", DefaultValueFactory = _ => 512 };
        var temperature = new Option<float>("--temperature") { Description = "sampling temperature; 0 = greedy", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "top-k cut; 0 = off", DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { Description = "nucleus cut; 1 = off", DefaultValueFactory = _ => 0.95f };
        var seed = new Option<long?>("--seed", "-s") { Description = "sampling seed (default: random)" };
        var threads = CommonOptions.Threads();
        var context = CommonOptions.Context();
        var numerics = CommonOptions.Numerics();
        var command = new Command("chat", "talk with a model in its own chat template (/system TEXT, /reset, /exit; Ctrl+C stops an answer)")
        {
            model, system, maxTokens, temperature, topK, topP, seed, threads, context, numerics,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(maxTokens) < 1)
            {
                throw new ArgumentException($"--max-tokens is {parse.GetValue(maxTokens)}, expected 1 or more");
            }

            var options = new ChatOptions
            {
                MaxOutputTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                Seed = parse.GetValue(seed),
            };
            var clientOptions = new StrataChatClientOptions
            {
                Threads = parse.GetValue(threads),
                ContextTokens = parse.GetValue(context),
                MaxConcurrent = 1,
                Numerics = CommonOptions.ToMode(parse.GetValue(numerics)!),
            };
            using var client = new StrataChatClient(DefaultModel.Resolve(parse.GetValue(model)), clientOptions);
            return new ChatSession(client, options, parse.GetValue(system), Console.In, Console.Out, Console.Error).Run();
        });
        return command;
    }
}
