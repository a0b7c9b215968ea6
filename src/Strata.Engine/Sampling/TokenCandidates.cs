// The candidate list of one sampling step: id/logit/probability buffers allocated once at vocabulary size.
using System.Numerics;

namespace Strata.Engine.Sampling;

/// <summary>
/// Candidate tokens for one sampling step (llama.cpp's llama_token_data_array), held in parallel buffers
/// sized to the vocabulary once. <see cref="Reset"/> refills them from a logits row without allocating;
/// stages then shrink <see cref="Count"/>, reorder, rescale logits and finally select one candidate.
/// Ties in ordering are broken by the lower token id, so every ordering is deterministic.
/// </summary>
public sealed class TokenCandidates
{
    private const uint SignBit = 0x8000_0000u;

    private readonly int[] _ids;
    private readonly float[] _logits;
    private readonly float[] _probs;
    private readonly ulong[] _sortKeys;
    private readonly ulong[] _sortScratch; // (vocab) radix-sort buffer
    private int _sortedPrefix;

    /// <summary>Allocates buffers for <paramref name="vocabSize"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabSize"/> is not positive</exception>
    public TokenCandidates(int vocabSize)
    {
        if (vocabSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"Expected a vocabulary size > 0; found {vocabSize}.");
        }

        VocabSize = vocabSize;
        _ids = new int[vocabSize];
        _logits = new float[vocabSize];
        _probs = new float[vocabSize];
        _sortKeys = new ulong[vocabSize];
        _sortScratch = new ulong[vocabSize];
        for (int i = 0; i < vocabSize; i++)
        {
            _ids[i] = i;
        }

        IsVocabularyOrder = true;
        SelectedIndex = -1;
    }

    /// <summary>Number of tokens in the vocabulary (capacity of every buffer).</summary>
    public int VocabSize { get; }

    /// <summary>Number of live candidates; the spans below cover exactly these.</summary>
    public int Count { get; private set; }

    /// <summary>Token ids of the live candidates.</summary>
    public Span<int> Ids => _ids.AsSpan(0, Count);

    /// <summary>Logits of the live candidates (parallel to <see cref="Ids"/>).</summary>
    public Span<float> Logits => _logits.AsSpan(0, Count);

    /// <summary>
    /// Probabilities of the live candidates; valid only after <see cref="ComputeProbabilities"/> and until the
    /// next change of logits, order or count.
    /// </summary>
    public Span<float> Probs => _probs.AsSpan(0, Count);

    /// <summary>True when the live candidates are in descending logit order (ties: lower id first).</summary>
    public bool Sorted => _sortedPrefix >= Count;

    /// <summary>How many leading candidates are known to be the largest ones, in descending order.</summary>
    public int SortedPrefixCount => Math.Min(_sortedPrefix, Count);

    /// <summary>True when candidate i is token i for every token (as right after <see cref="Reset"/>).</summary>
    public bool IsVocabularyOrder { get; private set; }

    /// <summary>Index (into the live candidates) of the selected token, or -1 when no stage has selected one.</summary>
    public int SelectedIndex { get; private set; }

    /// <summary>Refills the candidates with every token and its logit, in vocabulary order.</summary>
    /// <exception cref="ArgumentException">the row length is not the vocabulary size, or a logit is NaN or +infinity</exception>
    public void Reset(ReadOnlySpan<float> logits)
    {
        if (logits.Length != VocabSize)
        {
            throw new ArgumentException($"Expected {VocabSize} logits (the vocabulary size); found {logits.Length}.", nameof(logits));
        }

        if (!AllBelowPositiveInfinity(logits))
        {
            ThrowBadLogit(logits);
        }

        logits.CopyTo(_logits);
        if (!IsVocabularyOrder)
        {
            for (int i = 0; i < _ids.Length; i++)
            {
                _ids[i] = i;
            }

            IsVocabularyOrder = true;
        }

        Count = VocabSize;
        _sortedPrefix = 0;
        SelectedIndex = -1;
    }

    /// <summary>
    /// Refills the candidates with only the tokens whose bit is set in <paramref name="allowed"/> (token t is bit t % 64
    /// of word t / 64), in vocabulary order: for every stage the same as <see cref="Reset"/> with the others' logits at
    /// -infinity (a dropped token has no probability either way), at a cost that grows with the allowed tokens, not the
    /// vocabulary. Returns how many there are.
    /// </summary>
    /// <exception cref="ArgumentException">the row length is not the vocabulary size, or an allowed logit is NaN or +infinity</exception>
    /// <exception cref="InvalidOperationException">no token is allowed</exception>
    public int ResetAllowed(ReadOnlySpan<float> logits, ReadOnlySpan<ulong> allowed)
    {
        if (logits.Length != VocabSize)
        {
            throw new ArgumentException($"Expected {VocabSize} logits (the vocabulary size); found {logits.Length}.", nameof(logits));
        }

        int kept = 0;
        int words = Math.Min(allowed.Length, (VocabSize + 63) >> 6);
        for (int w = 0; w < words; w++)
        {
            ulong bits = allowed[w];
            while (bits != 0)
            {
                int token = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (token >= VocabSize)
                {
                    break;
                }

                float logit = logits[token];
                if (!(logit < float.PositiveInfinity))
                {
                    throw new ArgumentException($"Expected finite or -infinity logits; found {logit} at token {token}.", nameof(logits));
                }

                _ids[kept] = token;
                _logits[kept] = logit;
                kept++;
            }
        }

        if (kept == 0)
        {
            throw new InvalidOperationException($"Expected at least one allowed token among {VocabSize}; found none.");
        }

        Count = kept;
        IsVocabularyOrder = kept == VocabSize;
        _sortedPrefix = 0;
        SelectedIndex = -1;
        return kept;
    }

    /// <summary>Records that logits were changed in a way that may break descending order.</summary>
    public void MarkUnsorted() => _sortedPrefix = 0;

    /// <summary>
    /// Keeps the first <paramref name="count"/> candidates and drops the rest; the list counts as sorted when
    /// the kept ones lie within the sorted prefix.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, Count]</exception>
    public void Truncate(int count)
    {
        if (count < 1 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected a candidate count in [1, {Count}]; found {count}.");
        }

        if (count < Count)
        {
            IsVocabularyOrder = false;
            Count = count;
        }
    }

    /// <summary>
    /// Keeps only the <paramref name="count"/> highest-logit candidates, in descending order (partial
    /// selection: the dropped ones are never sorted or written back).
    /// </summary>
    public void KeepTop(int count)
    {
        int top = Math.Clamp(count, 1, Math.Max(Count, 1));
        if (_sortedPrefix >= top || top >= Count)
        {
            SortTop(top);
            Truncate(top);
            return;
        }

        var keys = PackKeys();
        SelectSmallest(keys, top, _sortScratch);
        keys = keys[..top];
        KeySort.Sort(keys, _sortScratch);
        UnpackKeys(keys);
        IsVocabularyOrder = false;
        Count = top;
        _sortedPrefix = top;
    }

    /// <summary>Sorts all live candidates by descending logit (ties: lower id first).</summary>
    public void SortDescending() => SortTop(Count);

    /// <summary>
    /// Moves the <paramref name="topCount"/> highest-logit candidates to the front in descending order, by a
    /// partial selection; the order of the rest is unspecified. Sorting all of them makes <see cref="Sorted"/> true.
    /// </summary>
    public void SortTop(int topCount)
    {
        int top = Math.Clamp(topCount, 1, Math.Max(Count, 1));
        if (_sortedPrefix >= top || Count <= 1)
        {
            _sortedPrefix = Math.Max(_sortedPrefix, Math.Min(top, Count));
            return;
        }

        var keys = PackKeys();

        if (top < keys.Length)
        {
            SelectSmallest(keys, top, _sortScratch);
            KeySort.Sort(keys[..top], _sortScratch);
        }
        else
        {
            KeySort.Sort(keys, _sortScratch);
        }

        UnpackKeys(keys);
        IsVocabularyOrder = false;
        _sortedPrefix = top;
    }

    /// <summary>Returns the largest live logit (the first one when sorted).</summary>
    public float MaxLogit()
    {
        var logits = Logits;
        if (Sorted && logits.Length > 0)
        {
            return logits[0];
        }

        float max = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] > max)
            {
                max = logits[i];
            }
        }

        return max;
    }

    /// <summary>Fills <see cref="Probs"/> with the softmax of the live logits.</summary>
    /// <exception cref="InvalidOperationException">every live logit is -infinity (or there are none)</exception>
    public void ComputeProbabilities()
    {
        float max = MaxLogit();
        if (float.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException($"Expected at least one finite logit among {Count} candidates; found none.");
        }

        var logits = Logits;
        var probs = Probs;
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp(logits[i] - max);
            probs[i] = e;
            sum += e;
        }

        float scale = (float)(1.0 / sum);
        for (int i = 0; i < probs.Length; i++)
        {
            probs[i] *= scale;
        }
    }

    /// <summary>Marks the candidate at <paramref name="index"/> as the chosen token.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a live candidate</exception>
    public void Select(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a candidate index in [0, {Count}); found {index}.");
        }

        SelectedIndex = index;
    }

    private static bool AllBelowPositiveInfinity(ReadOnlySpan<float> values)
    {
        // NaN and +infinity both fail "< +infinity"; checked a vector at a time.
        var limit = new Vector<float>(float.PositiveInfinity);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            if (!Vector.LessThanAll(new Vector<float>(values[i..]), limit))
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!(values[i] < float.PositiveInfinity))
            {
                return false;
            }
        }

        return true;
    }

    private static void ThrowBadLogit(ReadOnlySpan<float> logits)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            if (!(logits[i] < float.PositiveInfinity))
            {
                throw new ArgumentException($"Expected finite or -infinity logits; found {logits[i]} at token {i}.", nameof(logits));
            }
        }
    }

    private Span<ulong> PackKeys()
    {
        var keys = _sortKeys.AsSpan(0, Count);
        var ids = Ids;
        var logits = Logits;
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Pack(logits[i], ids[i]);
        }

        return keys;
    }

    private void UnpackKeys(ReadOnlySpan<ulong> keys)
    {
        var ids = _ids.AsSpan(0, keys.Length);
        var logits = _logits.AsSpan(0, keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            ulong key = keys[i];
            ids[i] = (int)(uint)key;
            logits[i] = UnpackLogit(key);
        }
    }

    // Sort key: high 32 bits order logits descending, low 32 bits the id, so ascending keys = our order.
    private static ulong Pack(float logit, int id)
    {
        uint bits = BitConverter.SingleToUInt32Bits(logit);
        uint ascending = (bits & SignBit) != 0 ? ~bits : bits | SignBit;
        return ((ulong)~ascending << 32) | (uint)id;
    }

    private static float UnpackLogit(ulong key)
    {
        uint ascending = ~(uint)(key >> 32);
        uint bits = (ascending & SignBit) != 0 ? ascending & ~SignBit : ~ascending;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    // Quickselect (Hoare partition, median-of-three): afterwards keys[..count] are the count smallest keys.
    // Falls back to a full sort of the remaining range if partitioning degenerates.
    private static void SelectSmallest(Span<ulong> keys, int count, Span<ulong> scratch)
    {
        int target = count - 1;
        int lo = 0;
        int hi = keys.Length - 1;
        int budget = (2 * BitOperations.Log2((uint)keys.Length)) + 8;
        while (hi > lo)
        {
            if (--budget < 0)
            {
                KeySort.Sort(keys[lo..(hi + 1)], scratch);
                return;
            }

            ulong pivot = MedianOfThree(keys[lo], keys[lo + ((hi - lo) >> 1)], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot)
                {
                    i++;
                }

                while (keys[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }

            if (target <= j)
            {
                hi = j;
            }
            else if (target >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }

    private static ulong MedianOfThree(ulong a, ulong b, ulong c)
    {
        if (a > b)
        {
            (a, b) = (b, a);
        }

        if (b > c)
        {
            b = c;
        }

        return a > b ? a : b;
    }
}
