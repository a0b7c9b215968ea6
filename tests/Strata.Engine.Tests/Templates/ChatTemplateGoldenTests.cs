// Every template x conversation renders byte for byte as jinja2 under transformers' settings rendered it (the goldens).
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

public sealed class ChatTemplateGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var template in TemplateData.Templates())
        {
            foreach (string conversation in TemplateData.Conversations())
            {
                data.Add(template.Name, conversation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_TemplateAndConversation_MatchesJinja2Golden(string templateName, string conversation)
    {
        var entry = TemplateData.Templates().Single(t => t.Name == templateName);
        string golden = TemplateData.Golden(templateName, conversation);
        var input = TemplateData.Input(conversation, entry);

        if (golden.StartsWith("error: ", StringComparison.Ordinal))
        {
            var raised = Assert.Throws<TemplateRaisedException>(() => ModelChatTemplate.Parse(TemplateData.Source(entry)).Render(input));
            Assert.Equal(golden["error: ".Length..], raised.Message);
        }
        else if (golden.StartsWith("error (", StringComparison.Ordinal))
        {
            var error = Assert.ThrowsAny<TemplateException>(() => ModelChatTemplate.Parse(TemplateData.Source(entry)).Render(input));
            Assert.IsNotType<TemplateRaisedException>(error);
        }
        else
        {
            Assert.Equal(golden, ModelChatTemplate.Parse(TemplateData.Source(entry)).Render(input));
        }
    }

    [Fact]
    public void Goldens_EveryTemplateAndConversation_HaveAFile()
    {
        var templates = TemplateData.Templates();
        var conversations = TemplateData.Conversations();

        int files = templates.Sum(t => conversations.Count(c => File.Exists(Path.Combine(TemplateData.Directory, "goldens", t.Name, c + ".txt"))));

        Assert.True(templates.Count >= 60, $"{templates.Count} templates");
        Assert.Equal(templates.Count * conversations.Count, files);
    }
}
