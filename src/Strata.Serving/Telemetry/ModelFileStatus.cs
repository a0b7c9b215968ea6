// What /health/ready says about the served model files: how each was loaded and whether the file on disk has changed since.
using System.Text.Json;
using Strata.Engine.Generation;
using Strata.Substrate;

namespace Strata.Serving;

/// <summary>
/// The model files' state for the readiness probe. A copied model whose file changed keeps serving the weights it loaded
/// (ready, and said so); a mapped one may be computing with the new bytes, so the server is not ready until restarted.
/// Each check is one stat call per model.
/// </summary>
internal static class ModelFileStatus
{
    /// <summary>True when a model mapped in place has had its file changed under it.</summary>
    public static bool AnyMappedChanged(IReadOnlyList<Scheduler> schedulers)
    {
        foreach (var s in schedulers)
        {
            if (s.Runtime.Model.Load == FileLoad.Map && s.Runtime.Model.FileChanged)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes "model_files": one entry per model with its load mode and whether its file changed.</summary>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Scheduler> schedulers)
    {
        w.WriteStartArray("model_files");
        foreach (var s in schedulers)
        {
            var model = s.Runtime.Model;
            bool changed = model.FileChanged;
            w.WriteStartObject();
            w.WriteString("model", s.Name);
            w.WriteString("load", EngineEvidence.LoadText(model.Load));
            w.WriteBoolean("file_changed", changed);
            if (changed)
            {
                w.WriteString("detail", model.Load == FileLoad.Copy
                    ? "the file on disk changed since load; the weights loaded at start are still served, and evidence names them"
                    : "the file mapped in place changed since load; outputs may no longer match the evidence's model_sha256: restart to reload");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
