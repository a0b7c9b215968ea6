// A decoder node's parameters as graph attributes and back: only the fields that differ from their defaults become
// attributes, RoPE scaling as the rope_scaling.* group; the way back restores the defaults, so the round trip is exact.
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Graphs.Decoder;

/// <summary><see cref="NodeAttributes"/> ↔ <see cref="AttributeSet"/>.</summary>
public static class DecoderAttributes
{
    private const string ScalingPrefix = "rope_scaling.";

    /// <summary>The attributes of <paramref name="a"/> that are set (not at their default).</summary>
    public static AttributeSet ToSet(NodeAttributes a)
    {
        var set = new List<KeyValuePair<string, AttributeValue>>();
        void Int(string name, long value, long fallback)
        {
            if (value != fallback)
            {
                set.Add(new(name, AttributeValue.Of(value)));
            }
        }

        void Float(string name, float value, float fallback)
        {
            if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(fallback))
            {
                set.Add(new(name, AttributeValue.Of(value)));
            }
        }

        Int("layer", a.Layer, -1);
        Float("epsilon", a.Epsilon, 0);
        Int("heads", a.Heads, 0);
        Int("kv_heads", a.KvHeads, 0);
        Int("head_dim", a.HeadDim, 0);
        Int("rope_dims", a.RopeDims, 0);
        Float("rope_base", a.RopeBase, 0);
        Int("rope_mode", (long)a.RopeMode, (long)RopeMode.Normal);
        Float("scale", a.Scale, 0);
        Float("soft_cap", a.SoftCap, 0);
        Int("window", a.Window, 0);
        Int("offset", a.Offset, 0);
        Int("experts", a.Experts, 0);
        Int("experts_used", a.ExpertsUsed, 0);
        Int("normalize_experts", a.NormalizeExperts ? 1 : 0, 0);
        if (a.RopeScaling is { } f)
        {
            set.Add(new(ScalingPrefix + "base", AttributeValue.Of(f.Base)));
            set.Add(new(ScalingPrefix + "dims", AttributeValue.Of((long)f.Dims)));
            set.Add(new(ScalingPrefix + "scale", AttributeValue.Of(f.Scale)));
            set.Add(new(ScalingPrefix + "ext_factor", AttributeValue.Of(f.ExtFactor)));
            set.Add(new(ScalingPrefix + "magnitude", AttributeValue.Of(f.Magnitude)));
            set.Add(new(ScalingPrefix + "correction_low", AttributeValue.Of(f.CorrectionLow)));
            set.Add(new(ScalingPrefix + "correction_high", AttributeValue.Of(f.CorrectionHigh)));
        }

        return AttributeSet.Of(set);
    }

    /// <summary>The node parameters <paramref name="set"/> describes (absent attributes at their defaults).</summary>
    public static NodeAttributes FromSet(AttributeSet set)
    {
        RopeFrequencies? scaling = set.TryGet(ScalingPrefix + "base", out _)
            ? new RopeFrequencies(set.Float(ScalingPrefix + "base", 0), (int)set.Int(ScalingPrefix + "dims", 0), set.Float(ScalingPrefix + "scale", 1f),
                set.Float(ScalingPrefix + "ext_factor", 0f), set.Float(ScalingPrefix + "magnitude", 1f),
                set.Float(ScalingPrefix + "correction_low", 0f), set.Float(ScalingPrefix + "correction_high", 0f))
            : null;
        return new NodeAttributes(
            Layer: (int)set.Int("layer", -1),
            Epsilon: set.Float("epsilon", 0),
            Heads: (int)set.Int("heads", 0),
            KvHeads: (int)set.Int("kv_heads", 0),
            HeadDim: (int)set.Int("head_dim", 0),
            RopeDims: (int)set.Int("rope_dims", 0),
            RopeBase: set.Float("rope_base", 0),
            RopeMode: (RopeMode)set.Int("rope_mode", (long)RopeMode.Normal),
            Scale: set.Float("scale", 0),
            SoftCap: set.Float("soft_cap", 0),
            Window: (int)set.Int("window", 0),
            Offset: (int)set.Int("offset", 0),
            RopeScaling: scaling,
            Experts: (int)set.Int("experts", 0),
            ExpertsUsed: (int)set.Int("experts_used", 0),
            NormalizeExperts: set.Int("normalize_experts", 0) != 0);
    }
}
