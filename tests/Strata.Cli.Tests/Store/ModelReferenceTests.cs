// Parsing owner/repo[:file][@revision], and refusing what could leave the cache folder.
using Strata.Engine.Store;

namespace Strata.Cli.Tests.Store;

public sealed class ModelReferenceTests
{
    [Theory]
    [InlineData("owner/repo", "owner", "repo", null, null)]
    [InlineData("owner/repo:sub/m-Q4_K_M.gguf", "owner", "repo", "sub/m-Q4_K_M.gguf", null)]
    [InlineData("owner/repo:m.gguf@v1.0", "owner", "repo", "m.gguf", "v1.0")]
    [InlineData("owner/repo@refs/pr/1", "owner", "repo", null, "refs/pr/1")]
    public void TryParse_ValidReference_HasItsParts(string text, string owner, string name, string? file, string? revision)
    {
        Assert.True(ModelReference.TryParse(text, out var reference));
        Assert.Equal(new ModelReference(owner, name, file, revision), reference);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("repo")]
    [InlineData("models/m.gguf/extra")]
    [InlineData("owner/repo:../../etc/passwd")]
    [InlineData("../repo")]
    [InlineData("owner/repo@")]
    [InlineData("C:\\models\\m.gguf")]
    public void TryParse_NotAReference_IsFalse(string text) => Assert.False(ModelReference.TryParse(text, out _));
}
