// Parses `--shape`: a preset name, or "key=value" pairs checked against the keys the architecture takes.
using System.Globalization;
using Strata.Engine.Synthesis.Architectures;

namespace Strata.Engine.Synthesis;

/// <summary>The text form of <see cref="ModelShape"/>.</summary>
internal static class ShapeText
{
    private static readonly string[] CommonKeys = ["d", "layers", "heads", "kv-heads", "ffn", "vocab", "ctx", "tied", "rope-base"];

    /// <summary>See <see cref="ModelShape.Parse(string, string?)"/>.</summary>
    public static ModelShape Parse(string text, string? architecture)
    {
        string name = text.Trim().ToLowerInvariant();
        if (ModelShape.Presets.TryGetValue(name, out var preset))
        {
            if (architecture is not null && architecture != preset.Architecture)
            {
                throw new ArgumentException($"shape '{name}' is a {preset.Architecture} preset; it does not match --arch {architecture}");
            }

            return preset;
        }

        var arch = SynthArchitectures.Get(architecture ?? "llama");
        var keys = new Keys(text, Split(text, arch));
        int heads = keys.Int("heads");
        int ffn = keys.Int("ffn");
        var common = new ModelShape(keys.Int("d"), keys.Int("layers"), heads, keys.OptionalInt("kv-heads") ?? heads, ffn, keys.Int("vocab"),
            keys.OptionalInt("ctx") ?? 2048);
        var shape = arch.WithDefaults(common with { Architecture = arch.Name });
        int expertsUsed = keys.OptionalInt("experts-used") ?? shape.ExpertsUsed;
        shape = shape with
        {
            TiedOutput = keys.OptionalFlag("tied") ?? shape.TiedOutput,
            ExplicitHeadDim = keys.OptionalInt("head-dim") ?? shape.ExplicitHeadDim,
            RopeBase = keys.OptionalFloat("rope-base") ?? shape.RopeBase,
            RopeBaseSwa = keys.OptionalFloat("rope-base-swa") ?? shape.RopeBaseSwa,
            SlidingWindow = keys.OptionalInt("window", minimum: 0) ?? shape.SlidingWindow,
            SlidingWindowPattern = keys.OptionalInt("swa-pattern") ?? shape.SlidingWindowPattern,
            Experts = keys.OptionalInt("experts") ?? shape.Experts,
            ExpertsUsed = expertsUsed,
            ExpertFeedForward = keys.OptionalInt("expert-ffn") ?? (expertsUsed > 0 ? ffn / expertsUsed : 0),
            AttentionSoftcap = keys.OptionalFloat("softcap-attn") ?? shape.AttentionSoftcap,
            FinalSoftcap = keys.OptionalFloat("softcap-final") ?? shape.FinalSoftcap,
        };
        shape = shape with { RopeScaling = ParseRopeScaling(keys, arch, shape.Context) };
        arch.Validate(shape);
        return shape;
    }

    // rope-scaling=linear|yarn|llama3 with rope-factor / rope-orig-ctx, or long-rope=1 (whose factor is ctx / rope-orig-ctx).
    private static RopeScaling ParseRopeScaling(Keys keys, SynthArchitecture arch, int context)
    {
        string? kind = keys.OptionalString("rope-scaling");
        float? factor = keys.OptionalFloat("rope-factor");
        int? original = keys.OptionalInt("rope-orig-ctx");
        if (keys.OptionalFlag("long-rope") == true)
        {
            return factor is null && kind is null
                ? new RopeScaling(RopeScalingKind.LongRope, (float)context / (original ?? 4096), original ?? 4096)
                : throw keys.Error("long-rope=1 takes rope-orig-ctx only (its factor is ctx / rope-orig-ctx)");
        }

        if (kind is null)
        {
            return factor is null && original is null
                ? RopeScaling.None
                : throw keys.Error("rope-factor and rope-orig-ctx need rope-scaling=… (or long-rope=1)");
        }

        RopeScalingKind parsed = kind switch
        {
            "linear" => RopeScalingKind.Linear,
            "yarn" => RopeScalingKind.Yarn,
            "llama3" => RopeScalingKind.Llama3,
            _ => throw keys.Error($"rope-scaling={kind} is not one of: linear, yarn, llama3"),
        };
        if (!arch.RopeScalings.Contains(parsed))
        {
            throw keys.Error($"rope-scaling={kind} does not apply to {arch.Name} (it takes: {string.Join(", ", arch.RopeScalings).ToLowerInvariant()})");
        }

        return parsed switch
        {
            RopeScalingKind.Linear when factor is not null && original is null => new RopeScaling(parsed, factor.Value, 0),
            RopeScalingKind.Yarn when factor is not null && original is not null => new RopeScaling(parsed, factor.Value, original.Value),
            RopeScalingKind.Llama3 => new RopeScaling(parsed, factor ?? 8f, original ?? 8192), // the converter's defaults
            RopeScalingKind.Linear => throw keys.Error("rope-scaling=linear needs rope-factor= and takes no rope-orig-ctx"),
            _ => throw keys.Error("rope-scaling=yarn needs rope-factor= and rope-orig-ctx="),
        };
    }

    private static Dictionary<string, string> Split(string text, SynthArchitecture arch)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq];
            if (!CommonKeys.Contains(key) && !arch.ShapeKeys.Contains(key))
            {
                string taken = string.Join(", ", CommonKeys.Concat(arch.ShapeKeys));
                bool otherArchitecture = SynthArchitectures.Names.Any(n => SynthArchitectures.Get(n).ShapeKeys.Contains(key));
                throw new ArgumentException(otherArchitecture
                    ? $"shape '{text}': '{key}' does not apply to {arch.Name} (it takes: {taken})"
                    : $"shape '{text}': '{key}' is not a preset ({string.Join(", ", ModelShape.Presets.Keys)}) or a key ({taken})");
            }

            values[key] = eq < 0
                ? throw new ArgumentException($"shape '{text}': '{part}' needs a value ({key}=…)")
                : part[(eq + 1)..];
        }

        return values;
    }

    // Typed access to the key values, with errors that quote the shape and the key.
    private sealed class Keys(string text, Dictionary<string, string> values)
    {
        public int Int(string key) => OptionalInt(key) ?? throw new ArgumentException($"shape '{text}' lacks '{key}='");

        public int? OptionalInt(string key, int minimum = 1) =>
            !values.TryGetValue(key, out string? raw) ? null
            : int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum ? value
            : throw Error($"'{key}={raw}' needs {(minimum == 0 ? "a non-negative" : "a positive")} integer value");

        public float? OptionalFloat(string key) =>
            !values.TryGetValue(key, out string? raw) ? null
            : float.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && value > 0 && float.IsFinite(value) ? value
            : throw Error($"'{key}={raw}' needs a positive number");

        public bool? OptionalFlag(string key) =>
            !values.TryGetValue(key, out string? raw) ? null
            : raw switch
            {
                "0" => false,
                "1" => true,
                _ => throw Error($"'{key}={raw}' needs 0 or 1"),
            };

        public string? OptionalString(string key) => values.TryGetValue(key, out string? raw) ? raw.ToLowerInvariant() : null;

        public ArgumentException Error(string message) => new($"shape '{text}': {message}");
    }
}
