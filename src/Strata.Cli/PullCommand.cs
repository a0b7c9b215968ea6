// `strata pull REPO[:FILE]`: download a GGUF from the hub into the model cache, resumably, verified against the hub's SHA-256.
using System.CommandLine;
using Strata.Engine.Store;

namespace Strata.Cli;

/// <summary>Builds the pull command.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "owner/repo[:file] on the hub; without :file the repository's only .gguf, else its only "
                + HubFileChoice.PreferredQuantization + " .gguf",
        };
        var revision = new Option<string?>("--revision") { Description = "branch, tag or commit (default: the default branch)" };
        var endpoint = new Option<string?>("--endpoint") { Description = "hub base URL (default: HF_ENDPOINT, else https://huggingface.co)" };
        var command = new Command("pull", "download a model from the Hugging Face hub into the cache (STRATA_HOME, default ~/.cache/strata); "
            + "HF_TOKEN is sent as a bearer token")
        {
            model, revision, endpoint,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var reference = ModelReference.Parse(parse.GetValue(model)!);
            if (parse.GetValue(revision) is { } rev)
            {
                reference = reference with { Revision = rev };
            }

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var hub = ModelStore.OpenHub(http, parse.GetValue(endpoint));
            var progress = new ProgressLine();
            var manifest = await hub.PullAsync(reference, ModelStore.OpenCache(), progress, cancellation);
            progress.Finish();
            Console.Error.WriteLine($"verified sha256 {manifest.Sha256}");
            Console.WriteLine($"{manifest.Name} {manifest.Path}");
            return 0;
        });
        return command;
    }
}
