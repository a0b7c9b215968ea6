// `strata models list|show|rm`: what the model cache holds.
using System.CommandLine;
using Strata.Engine.Store;

namespace Strata.Cli;

/// <summary>Builds the models command and its subcommands.</summary>
internal static class ModelsCommand
{
    public static Command Create() => new("models", "list, show and remove models in the cache (STRATA_HOME, default ~/.cache/strata)")
    {
        List(), Show(), Remove(),
    };

    private static Command List()
    {
        var command = new Command("list", "list cached models: name, size, sha256 prefix, path");
        command.SetAction(_ =>
        {
            foreach (var m in ModelStore.OpenCache().List())
            {
                Console.WriteLine($"{m.Name}\t{m.SizeBytes}\t{m.Sha256[..12]}\t{m.Path}");
            }

            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "owner/repo[:file][@revision]" };
        var command = new Command("show", "show a cached model's manifest") { name };
        command.SetAction(parse =>
        {
            var m = ModelStore.OpenCache().Find(ModelReference.Parse(parse.GetValue(name)!));
            Console.WriteLine($"name:      {m.Name}");
            Console.WriteLine($"repo:      {m.Repo}");
            Console.WriteLine($"file:      {m.File}");
            Console.WriteLine($"revision:  {m.Revision}");
            Console.WriteLine($"sha256:    {m.Sha256}");
            Console.WriteLine($"size:      {m.SizeBytes}");
            Console.WriteLine($"pulled_at: {m.PulledAt:O}");
            Console.WriteLine($"path:      {m.Path}");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "owner/repo[:file][@revision]" };
        var command = new Command("rm", "remove a cached model (file and manifest)") { name };
        command.SetAction(parse =>
        {
            var m = ModelStore.OpenCache().Remove(ModelReference.Parse(parse.GetValue(name)!));
            Console.WriteLine($"removed {m.Name}@{m.Revision} ({m.Path})");
            return 0;
        });
        return command;
    }
}
