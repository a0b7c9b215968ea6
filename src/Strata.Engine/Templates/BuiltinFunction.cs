// A callable implemented in C#: the globals (range, namespace, raise_exception, ...) and loop.cycle / loop.changed.
namespace Strata.Engine.Templates;

/// <summary>A function written in C#.</summary>
internal sealed class BuiltinFunction : TemplateCallable
{
    private readonly Func<Renderer, Arguments, int, object?> _body;

    /// <summary>The function <paramref name="name"/>, running <paramref name="body"/>.</summary>
    public BuiltinFunction(string name, Func<Renderer, Arguments, int, object?> body)
    {
        Name = name;
        _body = body;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override object? Call(Renderer renderer, Arguments arguments, int line) => _body(renderer, arguments, line);
}
