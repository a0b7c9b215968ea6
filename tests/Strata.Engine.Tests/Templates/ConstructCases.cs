// Loads data/constructs.json (templates exercising one construct each) and the outputs jinja2 gave for them.
using System.Text.Json;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

/// <summary>The construct cases and a check that our render matches jinja2's recorded outcome.</summary>
internal static class ConstructCases
{
    private static readonly Lazy<(JsonElement Root, JsonElement Expected)> Data = new(() => (
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TemplateData.Directory, "constructs.json"))).RootElement.Clone(),
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TemplateData.Directory, "constructs.expected.json"))).RootElement.Clone()));

    /// <summary>The ids of the cases of <paramref name="group"/>.</summary>
    public static TheoryData<string> Ids(string group)
    {
        var data = new TheoryData<string>();
        foreach (var c in Data.Value.Root.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("group").GetString() == group)
            {
                data.Add(c.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    /// <summary>Renders case <paramref name="id"/> and asserts jinja2's outcome: the same text, the same raised
    /// message, or (where jinja2 failed) a <see cref="TemplateException"/>.</summary>
    public static void AssertMatchesJinja2(string id)
    {
        var (root, expectedAll) = Data.Value;
        string template = root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).GetProperty("template").GetString()!;
        string expected = expectedAll.GetProperty(id).GetString()!;
        var context = new TemplateContext
        {
            Variables = root.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value, StringComparer.Ordinal),
            Now = new DateTimeOffset(2025, 7, 26, 9, 15, 0, TimeSpan.Zero),
        };
        string Render() => JinjaTemplate.Parse(template).Render(context);

        if (expected.StartsWith("error: ", StringComparison.Ordinal))
        {
            Assert.Equal(expected["error: ".Length..], Assert.Throws<TemplateRaisedException>(Render).Message);
        }
        else if (expected.StartsWith("error (", StringComparison.Ordinal))
        {
            var error = Assert.ThrowsAny<TemplateException>(Render);
            Assert.IsNotType<TemplateRaisedException>(error);
        }
        else
        {
            Assert.Equal(expected, Render());
        }
    }
}
