// Tests of trace id generation and parsing (W3C format: 32 lowercase hex, not all zero).
using Xunit;

namespace Strata.Evidence.Tests;

public sealed class TraceIdTests
{
    [Fact]
    public void NewRandom_Is32LowercaseHex_AndDiffers()
    {
        var a = TraceId.NewRandom();
        var b = TraceId.NewRandom();
        Assert.Matches("^[0-9a-f]{32}$", a.Value);
        Assert.True(TraceId.IsValid(a.Value));
        Assert.NotEqual(a, b);
        Assert.Equal(a.Value, a.ToString());
        Assert.Matches("^[0-9a-f]{32}$", new EvidenceRecord(TimeProvider.System).TraceId.Value);
    }

    [Fact]
    public void FromBytes_FromASeededSource_IsDeterministic()
    {
        var bytes = new byte[16];
        new Random(1).NextBytes(bytes);
        var first = TraceId.FromBytes(bytes);
        Assert.Equal(first, TraceId.FromBytes(bytes));
        Assert.Equal(Convert.ToHexStringLower(bytes), first.Value);
    }

    [Fact]
    public void Parse_RoundTrips()
    {
        const string Text = "4bf92f3577b34da6a3ce929d0e0e4736";
        Assert.Equal(Text, TraceId.Parse(Text).Value);
        Assert.Equal(TraceId.Parse(Text), TraceId.Parse(Text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e47366")]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473g")]
    [InlineData("00000000000000000000000000000000")]
    public void Parse_RejectsInvalid_NamingWhatWasFound(string text)
    {
        Assert.False(TraceId.IsValid(text));
        var error = Assert.Throws<FormatException>(() => TraceId.Parse(text));
        Assert.Contains($"\"{text}\"", error.Message);
    }

    [Fact]
    public void FromBytes_RejectsWrongLengthAndAllZero()
    {
        Assert.Throws<ArgumentException>(() => TraceId.FromBytes(new byte[15]));
        Assert.Throws<ArgumentException>(() => TraceId.FromBytes(new byte[16]));
    }
}
