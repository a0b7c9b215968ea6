// A parsed Jinja template: parse once, render many times (concurrently), as transformers renders chat templates.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>
/// A Jinja2 template parsed into an immutable tree. Rendering follows transformers' <c>apply_chat_template</c>
/// environment: jinja2's <c>ImmutableSandboxedEnvironment</c> with <c>trim_blocks</c>, <c>lstrip_blocks</c>, the
/// loopcontrols extension, <c>{% generation %}</c>, and the globals <c>raise_exception</c> and <c>strftime_now</c>.
/// Values print as Python's <c>str()</c> prints them. Instances are safe to render from several threads at once.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly ImmutableArray<Statement> _body;

    private JinjaTemplate(string source, ImmutableArray<Statement> body)
    {
        Source = source;
        _body = body;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <exception cref="TemplateException">the template is malformed or uses an unsupported construct; the message
    /// names the line and column</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(source, Parser.Parse(source));
    }

    /// <summary>Renders with <paramref name="variables"/>, no time for strftime_now, and the default limits.</summary>
    /// <exception cref="TemplateRaisedException">the template called raise_exception</exception>
    /// <exception cref="TemplateException">the render failed or went over its limits</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables) => Render(new TemplateContext { Variables = variables });

    /// <summary>Renders with the variables, time and limits of <paramref name="context"/>.</summary>
    /// <exception cref="TemplateRaisedException">the template called raise_exception</exception>
    /// <exception cref="TemplateException">the render failed or went over its limits</exception>
    /// <exception cref="ArgumentException">a variable holds a value templates cannot use</exception>
    public string Render(TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Limits.Validate();
        var variables = new Scope(Globals.CreateScope());
        foreach (var (name, value) in context.Variables)
        {
            variables.Set(name, TemplateValues.FromObject(value));
        }

        var renderer = new Renderer(context.Now, context.Limits);
        return renderer.Render(_body, new Scope(variables));
    }
}
