// Deterministic English-like prompts and the JSON request bodies built from them.
using System.Text;
using System.Text.Json.Nodes;

namespace Strata.LoadGen;

/// <summary>P fixed prompts ("Story p: the quick ...") and one serialized request body per prompt.</summary>
internal sealed class PromptSet
{
    private static readonly string[] Words =
    [
        "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "near", "river", "bank", "while", "old",
        "farmer", "watches", "from", "his", "wooden", "porch", "sun", "sets", "behind", "green", "hills", "and",
        "children", "run", "home", "across", "field", "of", "golden", "wheat", "bird", "sings", "quiet", "song",
        "in", "tall", "tree", "small", "village", "wakes", "up", "to", "smell", "fresh", "bread", "baker", "opens",
        "door", "cat", "sleeps", "on", "warm", "stone", "wall", "wind", "carries", "clouds", "toward", "distant", "sea",
    ];

    private readonly string[] _bodies;

    public PromptSet(LoadGenOptions options)
    {
        Texts = new string[options.Prompts];
        _bodies = new string[options.Prompts];
        for (int p = 0; p < options.Prompts; p++)
        {
            Texts[p] = MakePrompt(p, options.PromptWords);
            _bodies[p] = MakeBody(Texts[p], options);
        }
    }

    public string[] Texts { get; }

    public int Count => Texts.Length;

    /// <summary>The serialized JSON body of prompt <paramref name="prompt"/>.</summary>
    public string Body(int prompt) => _bodies[prompt];

    /// <summary>"Story p:" followed by about <paramref name="words"/> words drawn by a fixed LCG seeded with p.</summary>
    public static string MakePrompt(int prompt, int words)
    {
        var sb = new StringBuilder();
        sb.Append("Story ").Append(prompt).Append(':');
        ulong state = 0x9E3779B97F4A7C15UL ^ ((ulong)prompt * 0xD1B54A32D192ED03UL);
        bool capital = false;
        for (int w = 2; w < Math.Max(words, 3); w++)
        {
            state = (state * 6364136223846793005UL) + 1442695040888963407UL;
            string word = Words[(int)((state >> 33) % (ulong)Words.Length)];
            sb.Append(' ');
            if (capital)
            {
                sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
                capital = false;
            }
            else
            {
                sb.Append(word);
            }

            // A sentence ends every 9 to 14 words.
            if ((w % 12) == 11 || ((state >> 20) % 14) == 0)
            {
                sb.Append('.');
                capital = true;
            }
        }

        if (!capital)
        {
            sb.Append('.');
        }

        return sb.ToString();
    }

    private static string MakeBody(string prompt, LoadGenOptions options)
    {
        var body = new JsonObject();
        if (options.Model is not null)
        {
            body["model"] = options.Model;
        }

        if (options.Chat)
        {
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt });
        }
        else
        {
            body["prompt"] = prompt;
        }

        body["max_tokens"] = options.MaxTokens;
        body["temperature"] = 0;
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        if (options.ExtraJson is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> kv in options.ExtraJson)
            {
                body[kv.Key] = kv.Value?.DeepClone();
            }
        }

        return body.ToJsonString();
    }
}
