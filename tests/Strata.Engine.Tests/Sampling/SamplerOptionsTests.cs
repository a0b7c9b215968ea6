// Tests that SamplerOptions.Validate rejects each out-of-range field by name, and accepts the defaults.
using Strata.Engine.Sampling;
using Xunit;

namespace Strata.Engine.Tests.Sampling;

public sealed class SamplerOptionsTests
{
    public static TheoryData<SamplerOptions, string> BadOptions() => new()
    {
        { new SamplerOptions { Temperature = -0.1f }, "Temperature" },
        { new SamplerOptions { Temperature = float.NaN }, "Temperature" },
        { new SamplerOptions { Temperature = float.PositiveInfinity }, "Temperature" },
        { new SamplerOptions { TopK = -1 }, "TopK" },
        { new SamplerOptions { TopP = 0f }, "TopP" },
        { new SamplerOptions { TopP = 1.01f }, "TopP" },
        { new SamplerOptions { TopP = float.NaN }, "TopP" },
        { new SamplerOptions { MinP = -0.01f }, "MinP" },
        { new SamplerOptions { MinP = 1.5f }, "MinP" },
        { new SamplerOptions { RepetitionPenalty = 0f }, "RepetitionPenalty" },
        { new SamplerOptions { RepetitionPenalty = float.PositiveInfinity }, "RepetitionPenalty" },
        { new SamplerOptions { FrequencyPenalty = float.NaN }, "FrequencyPenalty" },
        { new SamplerOptions { PresencePenalty = float.NegativeInfinity }, "PresencePenalty" },
        { new SamplerOptions { PenaltyLastN = -2 }, "PenaltyLastN" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_RejectsBadField_NamingItAndTheRange(SamplerOptions options, string field)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains($"SamplerOptions.{field} must be", error.Message);
        Assert.Contains("found", error.Message);
        Assert.Throws<ArgumentException>(() => SamplerChain.FromOptions(options, 10));
    }

    [Fact]
    public void Validate_AcceptsDefaultsAndEdges()
    {
        new SamplerOptions().Validate();
        new SamplerOptions { Temperature = 0f, TopK = 0, TopP = 1f, MinP = 0f, PenaltyLastN = -1 }.Validate();
        new SamplerOptions { MinP = 1f, FrequencyPenalty = -2f, PresencePenalty = 2f }.Validate();
    }

    [Fact]
    public void Defaults_AreLlamaCpp()
    {
        var options = new SamplerOptions();
        Assert.Equal(0.8f, options.Temperature);
        Assert.Equal(40, options.TopK);
        Assert.Equal(0.95f, options.TopP);
        Assert.Equal(0.05f, options.MinP);
        Assert.Equal(1f, options.RepetitionPenalty);
        Assert.Equal(0f, options.FrequencyPenalty);
        Assert.Equal(0f, options.PresencePenalty);
        Assert.Equal(64, options.PenaltyLastN);
        Assert.Null(options.Seed);
    }
}
