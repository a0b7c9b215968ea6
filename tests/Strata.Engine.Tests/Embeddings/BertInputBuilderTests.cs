// WordPiece batches for MiniLM: the golden ids exactly, padding to the longest row, truncation that says so.
using Strata.Engine.Embeddings;

namespace Strata.Engine.Tests.Embeddings;

public sealed class BertInputBuilderTests
{
    private static readonly Lazy<BertInputBuilder> Builder = new(() => BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath));

    [Fact]
    public void Build_GoldenSentences_IdsMatchOnnxRuntimeGoldenExactly()
    {
        foreach (MiniLmGoldenCase golden in MiniLmGolden.Cases())
        {
            BertInput input = Builder.Value.Build([golden.Text]);

            Assert.Equal(golden.InputIds, input.InputIds);
            Assert.All(input.AttentionMask, m => Assert.Equal(1, m));
            Assert.All(input.TokenTypeIds, t => Assert.Equal(0, t));
            Assert.Equal(golden.InputIds.Length, input.SequenceLength);
            Assert.Empty(input.TruncatedRows);
        }
    }

    [Fact]
    public void Build_Batch_PadsEveryRowToTheLongestWithMaskZero()
    {
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();

        BertInput input = Builder.Value.Build([.. cases.Select(c => c.Text)]);

        int longest = cases.Max(c => c.InputIds.Length);
        Assert.Equal(cases.Count, input.BatchSize);
        Assert.Equal(longest, input.SequenceLength);
        for (int row = 0; row < cases.Count; row++)
        {
            long[] ids = cases[row].InputIds;
            Assert.Equal(ids, input.Row(row)[..ids.Length].ToArray());
            Assert.All(input.Row(row)[ids.Length..].ToArray(), id => Assert.Equal(Builder.Value.PaddingTokenId, id));
            Assert.Equal(ids.Length, input.TokenCounts[row]);
            Assert.Equal(ids.Length, input.MaskRow(row).ToArray().Count(m => m == 1));
            Assert.All(input.MaskRow(row)[ids.Length..].ToArray(), m => Assert.Equal(0, m));
        }
    }

    [Fact]
    public void Build_MaxTokensBelowLongest_TruncatesKeepingSepAndNamesTheRow()
    {
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();
        long[] first = cases[0].InputIds; // 7 ids: not cut at 8
        long[] second = cases[1].InputIds; // 12 ids: cut to 8

        BertInput input = Builder.Value.Build([cases[0].Text, cases[1].Text], maxTokens: 8);

        Assert.Equal(8, input.SequenceLength);
        Assert.Equal([1], input.TruncatedRows);
        Assert.Equal([.. second[..7], Builder.Value.SeparatorTokenId], input.Row(1).ToArray());
        Assert.Equal([.. first, Builder.Value.PaddingTokenId], input.Row(0).ToArray());
        Assert.Equal([7, 8], input.TokenCounts);
    }

    [Fact]
    public void Build_MaxTokensAboveLongest_PadsOnlyToTheLongest()
    {
        BertInput input = Builder.Value.Build(["This is an example sentence"], maxTokens: 512);

        Assert.Equal(7, input.SequenceLength);
        Assert.Empty(input.TruncatedRows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void Build_MaxTokensUnderTwo_Rejected(int maxTokens) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Builder.Value.Build(["text"], maxTokens));

    [Fact]
    public void Build_NoTexts_Rejected() => Assert.Throws<ArgumentException>(() => Builder.Value.Build([]));

    [Fact]
    public void Build_EmptyText_IsClsSep()
    {
        BertInput input = Builder.Value.Build([string.Empty]);

        Assert.Equal([Builder.Value.ClassificationTokenId, Builder.Value.SeparatorTokenId], input.InputIds);
    }

    [Fact]
    public void FromVocabulary_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<FileNotFoundException>(() => BertInputBuilder.FromVocabulary("/nonexistent/vocab.txt"));

        Assert.Contains("/nonexistent/vocab.txt", error.Message, StringComparison.Ordinal);
    }
}
