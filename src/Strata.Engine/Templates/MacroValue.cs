// A macro as a value: its definition and the scope it was defined in, which its body reads as a closure.
namespace Strata.Engine.Templates;

/// <summary>A <c>{% macro %}</c> (or a call block's <c>caller</c>) bound to its defining scope.</summary>
internal sealed class MacroValue : TemplateCallable
{
    /// <summary>The macro <paramref name="definition"/>, defined in <paramref name="closure"/>.</summary>
    public MacroValue(Statement.Macro definition, Scope closure)
    {
        Definition = definition;
        Closure = closure;
    }

    /// <summary>The parsed macro.</summary>
    public Statement.Macro Definition { get; }

    /// <summary>The scope the macro was defined in.</summary>
    public Scope Closure { get; }

    /// <inheritdoc/>
    public override string Name => Definition.Name;

    /// <inheritdoc/>
    public override object? Call(Renderer renderer, Arguments arguments, int line) => renderer.InvokeMacro(this, arguments, line);
}
