// Finds NaN or +infinity among logits (corrupt weights give them, and no sampler can rank them): vector pass, scalar only to name the culprit.
namespace Strata.Engine.Sampling;

/// <summary>The check every decode step makes before sampling.</summary>
public static class LogitCheck
{
    /// <summary>Index of the first logit that is NaN or +infinity, or -1 when all are below +infinity.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> logits)
    {
        // NaN compares false, so it fails LessThanAll too.
        var limit = new System.Numerics.Vector<float>(float.PositiveInfinity);
        int width = System.Numerics.Vector<float>.Count;
        int v = 0;
        for (; v + width <= logits.Length; v += width)
        {
            if (!System.Numerics.Vector.LessThanAll(new System.Numerics.Vector<float>(logits[v..]), limit))
            {
                break;
            }
        }

        for (int i = v; i < logits.Length; i++)
        {
            if (!(logits[i] < float.PositiveInfinity))
            {
                return i;
            }
        }

        return -1;
    }
}
