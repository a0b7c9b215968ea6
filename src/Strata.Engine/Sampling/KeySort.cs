// Allocation-free sort of packed candidate keys: insertion sort for short spans, LSD radix sort otherwise.
// The BCL's Span.Sort initialises helpers lazily on first use of each path, which allocates inside a token step.
namespace Strata.Engine.Sampling;

/// <summary>Sorts ulong keys ascending using a caller-provided scratch buffer of at least the same length.</summary>
internal static class KeySort
{
    private const int InsertionLimit = 48;

    public static void Sort(Span<ulong> keys, Span<ulong> scratch)
    {
        if (keys.Length <= InsertionLimit)
        {
            Insertion(keys);
            return;
        }

        Span<int> offsets = stackalloc int[256];
        Span<ulong> source = keys;
        Span<ulong> target = scratch[..keys.Length];
        bool inScratch = false;
        for (int shift = 0; shift < 64; shift += 8)
        {
            offsets.Clear();
            foreach (ulong key in source)
            {
                offsets[(int)(key >> shift) & 0xFF]++;
            }

            if (offsets[(int)(source[0] >> shift) & 0xFF] == source.Length)
            {
                continue; // every key has the same digit here: nothing to move
            }

            int sum = 0;
            for (int digit = 0; digit < 256; digit++)
            {
                int count = offsets[digit];
                offsets[digit] = sum;
                sum += count;
            }

            foreach (ulong key in source)
            {
                target[offsets[(int)(key >> shift) & 0xFF]++] = key;
            }

            var swap = source;
            source = target;
            target = swap;
            inScratch = !inScratch;
        }

        if (inScratch)
        {
            source.CopyTo(keys);
        }
    }

    private static void Insertion(Span<ulong> keys)
    {
        for (int i = 1; i < keys.Length; i++)
        {
            ulong key = keys[i];
            int j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = key;
        }
    }
}
