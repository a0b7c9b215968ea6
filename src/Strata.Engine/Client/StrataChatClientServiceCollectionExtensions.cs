// Registers a StrataChatClient as the application's IChatClient.
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Engine;

/// <summary>DI registration of <see cref="StrataChatClient"/>.</summary>
public static class StrataChatClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="StrataChatClient"/> over <paramref name="modelPath"/> as the singleton <see cref="IChatClient"/>;
    /// unless the options name a clock, it uses the container's <see cref="TimeProvider"/> when one is registered.
    /// </summary>
    public static IServiceCollection AddStrataChatClient(this IServiceCollection services, string modelPath, StrataChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        services.AddSingleton<IChatClient>(provider =>
        {
            var chosen = options ?? new StrataChatClientOptions();
            return new StrataChatClient(modelPath, chosen.Time is null ? chosen with { Time = provider.GetService<TimeProvider>() } : chosen);
        });
        return services;
    }
}
