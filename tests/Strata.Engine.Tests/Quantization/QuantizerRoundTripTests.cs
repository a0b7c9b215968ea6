// Our quantizers against llama.cpp's: every block llama-quantize wrote into the synth CI files, dequantized and
// quantized again by Strata, must come back byte for byte (Q8_0, Q4_0), or differ only where Q4_K's scale search
// is not idempotent (a sub-block scale tie; the super-block d/dmin stay identical).
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Tests.Quantization;

public sealed class QuantizerRoundTripTests
{
    [Theory]
    [InlineData("synth/ci-d256-l4-q8_0.gguf", GgmlType.Q8_0, 606208, 0)]
    [InlineData("synth/ci-d256-l4-q4_0-pure.gguf", GgmlType.Q4_0, 606208, 0)]
    [InlineData("synth/ci-d256-l4-q4_0.gguf", GgmlType.Q4_0, 350208, 0)]
    // Measured: 13 of 42112 blocks re-quantize to an equally good neighbour (one sub-block scale/min changes).
    // On fresh f32 data the same code equals ggml's quantize_row_q4_K_ref exactly (see README, Quantization).
    [InlineData("synth/ci-d256-l4-q4_k_m.gguf", GgmlType.Q4_K, 42112, 13)]
    public void Requantize_DequantizedLlamaCppBlocks_ReproducesThem(string model, GgmlType type, long expectedBlocks, long expectedTies)
    {
        using var gguf = GgufFile.Open(SharedModels.File(model));
        int blockElements = GgmlTypeInfo.BlockElements(type);
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        var values = new float[blockElements];
        var requantized = new byte[blockBytes];
        long blocks = 0;
        long ties = 0;
        foreach (var tensor in gguf.Tensors)
        {
            if (tensor.Type != type)
            {
                continue;
            }

            var bytes = gguf.TensorBytes(tensor);
            for (int at = 0; at < bytes.Length; at += blockBytes)
            {
                var block = bytes.Slice(at, blockBytes);
                QuantizedRows.DequantizeRow(type, block, values);
                Quantizer.QuantizeRow(type, values, requantized);
                blocks++;
                if (!block.SequenceEqual(requantized))
                {
                    ties++;
                    Assert.True(type == GgmlType.Q4_K, $"{tensor.Name} block {at / blockBytes} differs after a {type} round trip");
                    Assert.True(block[..4].SequenceEqual(requantized.AsSpan(0, 4)), $"{tensor.Name}: Q4_K d/dmin changed");
                }
            }
        }

        Assert.Equal(expectedBlocks, blocks);
        Assert.Equal(expectedTies, ties);
    }

    [Fact]
    public void QuantizeRow_Q4_0_KnownBlock_MatchesHandComputedBytes()
    {
        // max-magnitude value −16 → d = −16/−8 = 2; q = trunc(x/2 + 8.5) capped at 15.
        var x = new float[32];
        for (int i = 0; i < 32; i++)
        {
            x[i] = i - 16;
        }

        var y = new byte[18];
        Quantizer.QuantizeRow(GgmlType.Q4_0, x, y);
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)2f), BitConverter.ToUInt16(y, 0));
        Assert.Equal((byte)(0 | (8 << 4)), y[2]);   // x[0] = −16 → 0; x[16] = 0 → 8
        Assert.Equal((byte)(8 | (15 << 4)), y[17]); // x[15] = −1 → trunc(8.0) = 8; x[31] = 15 → min(15, 16) = 15
    }

    [Fact]
    public void QuantizeRow_Q8_0_RoundsHalfAwayFromZero()
    {
        var x = new float[32];
        x[0] = 127f;  // d = 1
        x[1] = 2.5f;  // → 3
        x[2] = -2.5f; // → −3
        var y = new byte[34];
        Quantizer.QuantizeRow(GgmlType.Q8_0, x, y);
        Assert.Equal(127, (sbyte)y[2]);
        Assert.Equal(3, (sbyte)y[3]);
        Assert.Equal(-3, (sbyte)y[4]);
    }
}
