// Jinja's default Undefined: prints as nothing and is falsy, but using it as a value (attribute, call, arithmetic) fails.
namespace Strata.Engine.Templates;

/// <summary>
/// A missing variable, key, attribute or parameter, as jinja2's default <c>Undefined</c>: it renders as an empty
/// string, is false, iterates as empty and equals only another undefined; an attribute, item, call or arithmetic on
/// it raises with <see cref="Message"/> ("'x' is undefined", "'dict object' has no attribute 'content'").
/// </summary>
internal sealed class Undefined
{
    private readonly string? _hint;
    private readonly object? _name;
    private readonly object? _owner;
    private readonly bool _hasOwner;

    private Undefined(object? name, object? owner, bool hasOwner, string? hint)
    {
        _name = name;
        _owner = owner;
        _hasOwner = hasOwner;
        _hint = hint;
    }

    /// <summary>An undefined variable called <paramref name="name"/>.</summary>
    public static Undefined Variable(string name) => new(name, null, false, null);

    /// <summary>The missing attribute or item <paramref name="name"/> of <paramref name="owner"/>.</summary>
    public static Undefined Member(object? owner, object? name) => new(name, owner, true, null);

    /// <summary>An undefined value whose message is <paramref name="hint"/>.</summary>
    public static Undefined WithHint(string hint) => new(null, null, false, hint);

    /// <summary>What jinja2 says when this undefined is used.</summary>
    public string Message
    {
        get
        {
            if (_hint is not null)
            {
                return _hint;
            }

            if (!_hasOwner)
            {
                return $"{PyRepr.Repr(_name)} is undefined";
            }

            return _name is string name
                ? $"{PyRepr.Repr(PyTypes.ObjectDescription(_owner))} has no attribute {PyRepr.Repr(name)}"
                : $"{PyTypes.ObjectDescription(_owner)} has no element {PyRepr.Repr(_name)}";
        }
    }

    /// <summary>The error for using this value at <paramref name="line"/>.</summary>
    public TemplateException Fail(int line) => new(Message, line);
}
