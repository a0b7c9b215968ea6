// The streaming decoder against .NET's own UTF-8 decoder, on valid and random bytes split at random points.
using System.Text;
using Strata.Engine.Generation;

namespace Strata.Engine.Tests.Generation;

public sealed class Utf8StreamDecoderTests
{
    [Fact]
    public void Decode_RandomBytesSplitAnywhere_EqualsUtf8GetString()
    {
        var random = new Random(20261127);
        for (int trial = 0; trial < 5000; trial++)
        {
            byte[] bytes = trial % 2 == 0 ? RandomBytes(random) : Encoding.UTF8.GetBytes(RandomText(random));
            string expected = Encoding.UTF8.GetString(bytes);
            Assert.Equal(expected, DecodeInPieces(bytes, random));
        }
    }

    [Theory]
    [InlineData("héllo wörld")]
    [InlineData("🦙 llama")]
    [InlineData("日本語のテキスト")]
    public void Decode_ByteAtATime_ReassemblesCharacters(string text)
    {
        var decoder = new Utf8StreamDecoder();
        var output = new StringBuilder();
        Span<char> chars = stackalloc char[4];
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            output.Append(chars[..decoder.Decode([b], chars)]);
        }

        Assert.Equal(text, output.ToString());
    }

    [Fact]
    public void Flush_UnfinishedSequence_GivesReplacementChar()
    {
        var decoder = new Utf8StreamDecoder();
        Span<char> chars = stackalloc char[4];
        Assert.Equal(0, decoder.Decode([0xF0, 0x9F], chars));
        Assert.Equal(1, decoder.Flush(chars));
        Assert.Equal('\uFFFD', chars[0]);
    }

    private static string DecodeInPieces(byte[] bytes, Random random)
    {
        var decoder = new Utf8StreamDecoder();
        var output = new char[Utf8StreamDecoder.MaxChars(bytes.Length) + 1];
        int written = 0;
        for (int at = 0; at < bytes.Length;)
        {
            int take = Math.Min(bytes.Length - at, random.Next(1, 5));
            written += decoder.Decode(bytes.AsSpan(at, take), output.AsSpan(written));
            at += take;
        }

        written += decoder.Flush(output.AsSpan(written));
        return new string(output, 0, written);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 24)];
        for (int i = 0; i < bytes.Length; i++)
        {
            // favour the interesting region: lead and continuation bytes
            bytes[i] = random.Next(3) == 0 ? (byte)random.Next(0x20, 0x7F) : (byte)random.Next(0x80, 0x100);
        }

        return bytes;
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(0, 12);
        for (int i = 0; i < length; i++)
        {
            int codePoint = random.Next(4) switch
            {
                0 => random.Next(0x20, 0x80),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(0x800, 0xD800),
                _ => random.Next(0x10000, 0x110000),
            };
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }
}
