// The server's routes by path pattern, so that a known path asked with another method is 405 with Allow, not 404.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Strata.Serving;

/// <summary>
/// Maps endpoints and remembers each pattern's methods. The fallback takes every request no endpoint matched, so
/// ASP.NET Core's own 405 never happens; <see cref="NoEndpoint"/> gives it back from what was mapped here.
/// </summary>
internal sealed class RouteTable(IEndpointRouteBuilder routes)
{
    private readonly List<(TemplateMatcher Pattern, string Method)> _known = [];

    public IEndpointConventionBuilder MapGet(string pattern, RequestDelegate handler)
    {
        Know(pattern, HttpMethods.Get);
        return routes.MapGet(pattern, handler);
    }

    public IEndpointConventionBuilder MapPost(string pattern, RequestDelegate handler)
    {
        Know(pattern, HttpMethods.Post);
        return routes.MapPost(pattern, handler);
    }

    /// <summary>Records a pattern mapped elsewhere (e.g. by an exporter's own Map method).</summary>
    public void Know(string pattern, string method) =>
        _known.Add((new TemplateMatcher(TemplateParser.Parse(pattern), new RouteValueDictionary()), method));

    /// <summary>The fallback: 405 with the methods a known path takes, else 404.</summary>
    public Task NoEndpoint(HttpContext context)
    {
        var allowed = new List<string>();
        foreach (var (pattern, method) in _known)
        {
            if (!allowed.Contains(method) && pattern.TryMatch(context.Request.Path, new RouteValueDictionary()))
            {
                allowed.Add(method);
            }
        }

        string path = context.Request.Path.Value ?? "";
        if (allowed.Count > 0)
        {
            string allow = string.Join(", ", allowed);
            throw new ApiError(405, $"{path} takes {allow}, not {context.Request.Method}", "invalid_request_error", null, "method_not_allowed") { Allow = allow };
        }

        throw new ApiError(404, $"no endpoint {context.Request.Method} {path}", "invalid_request_error", null, "not_found");
    }
}
