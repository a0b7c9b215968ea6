// A list in OpenAI's shape: {"object": "list", "data": [...]}.
namespace Strata.Agents;

/// <summary>A list reply.</summary>
/// <typeparam name="T">The items' type.</typeparam>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The items.</param>
internal sealed record ListReply<T>(string Object, IReadOnlyList<T> Data)
{
    /// <summary>A list of <paramref name="data"/>.</summary>
    public static ListReply<T> Of(IReadOnlyList<T> data) => new("list", data);
}
