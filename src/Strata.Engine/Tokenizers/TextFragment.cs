// One piece of input after special-token partitioning: a span of raw text or an already-known token id.
namespace Strata.Engine.Tokenizers;

/// <summary>A raw-text span (<see cref="TokenId"/> = -1) or a verbatim-matched token.</summary>
internal readonly record struct TextFragment(int Start, int Length, int TokenId)
{
    /// <summary>True for raw text that still needs tokenizing.</summary>
    public bool IsText => TokenId < 0;
}
