// A str, list or dict method taken as an attribute (message.content.strip), called later with its arguments.
namespace Strata.Engine.Templates;

/// <summary>A Python method bound to its receiver; calling it runs <see cref="PyMethods.Invoke"/>.</summary>
internal sealed class BoundMethod : TemplateCallable
{
    /// <summary>The method <paramref name="name"/> of <paramref name="target"/>.</summary>
    public BoundMethod(object? target, string name)
    {
        Target = target;
        Name = name;
    }

    /// <summary>The receiver.</summary>
    public object? Target { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override object? Call(Renderer renderer, Arguments arguments, int line) => PyMethods.Invoke(renderer, Target, Name, arguments, line);
}
