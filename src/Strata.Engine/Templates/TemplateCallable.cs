// A value that can be called from a template: a global function, a bound method, a macro or a loop helper.
namespace Strata.Engine.Templates;

/// <summary>A callable value; <see cref="Call"/> runs it within the render that holds it.</summary>
internal abstract class TemplateCallable
{
    /// <summary>The name errors use.</summary>
    public abstract string Name { get; }

    /// <summary>Calls it with <paramref name="arguments"/>, at <paramref name="line"/> of the template.</summary>
    public abstract object? Call(Renderer renderer, Arguments arguments, int line);
}
