// The key of one evidence record: a W3C trace-id-like 32-character lowercase hex string.
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Strata.Evidence;

/// <summary>
/// A 128-bit trace id written as 32 lowercase hex characters, as in W3C Trace Context; all zeros is invalid.
/// Serialized to JSON as the bare string.
/// </summary>
[JsonConverter(typeof(TraceIdJsonConverter))]
public sealed record TraceId
{
    /// <summary>Number of characters in a trace id.</summary>
    public const int LengthChars = 32;

    /// <summary>Number of random bytes behind a trace id.</summary>
    public const int LengthBytes = 16;

    private TraceId(string value) => Value = value;

    /// <summary>The 32 lowercase hex characters.</summary>
    public string Value { get; }

    /// <summary>A fresh id from the operating system's cryptographic random source.</summary>
    public static TraceId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[LengthBytes];
        do
        {
            RandomNumberGenerator.Fill(bytes);
        }
        while (!bytes.ContainsAnyExcept((byte)0));

        return new TraceId(Convert.ToHexStringLower(bytes));
    }

    /// <summary>An id from 16 given bytes (e.g. from an injected random source or an incoming trace).</summary>
    /// <exception cref="ArgumentException">not exactly 16 bytes, or all zero</exception>
    public static TraceId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != LengthBytes)
        {
            throw new ArgumentException($"Expected {LengthBytes} trace id bytes; found {bytes.Length}.", nameof(bytes));
        }

        if (!bytes.ContainsAnyExcept((byte)0))
        {
            throw new ArgumentException("Expected a trace id with at least one non-zero byte; found all zeros.", nameof(bytes));
        }

        return new TraceId(Convert.ToHexStringLower(bytes));
    }

    /// <summary>Parses 32 lowercase hex characters, not all zero.</summary>
    /// <exception cref="FormatException">the text is not a valid trace id; the message says what was found</exception>
    public static TraceId Parse(string text)
    {
        if (!IsValid(text))
        {
            throw new FormatException(
                $"Expected a trace id of {LengthChars} lowercase hex characters, not all zero; found \"{text}\".");
        }

        return new TraceId(text);
    }

    /// <summary>True when <paramref name="text"/> is 32 lowercase hex characters, not all zero.</summary>
    public static bool IsValid(string? text)
    {
        if (text is null || text.Length != LengthChars)
        {
            return false;
        }

        bool anyNonZero = false;
        foreach (char c in text)
        {
            bool hex = c is (>= '0' and <= '9') or (>= 'a' and <= 'f');
            if (!hex)
            {
                return false;
            }

            anyNonZero |= c != '0';
        }

        return anyNonZero;
    }

    /// <summary>The 32 hex characters.</summary>
    public override string ToString() => Value;
}
