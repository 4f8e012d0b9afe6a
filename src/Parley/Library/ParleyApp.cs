using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Parley.Configuration;
using Parley.Hosting;
using Parley.Providers;

namespace Parley.Library;

/// <summary>
/// Library mode (seed 003): reference Parley, write one handler, get the whole web app and APIs for it.
/// <code>
/// var app = ParleyApp.Create(args);
/// app.OnMessage(async (chat, ct) => { var id = chat.NewMessageId(); await chat.UpdateAsync("Hi!", id, ct); });
/// app.Run();
/// </code>
/// </summary>
public sealed class ParleyApp
{
    public const string ProviderName = "app";
    public const string ModelId = "handler";

    private readonly ChatHandlerRegistry _handlers = new();

    private ParleyApp(WebApplicationBuilder builder) => Builder = builder;

    /// <summary>The underlying builder, for anything beyond the defaults (services, configuration, logging).</summary>
    public WebApplicationBuilder Builder { get; }

    public static ParleyApp Create(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        DotEnvFile.LoadIntoEnvironment(".env");
        var builder = WebApplication.CreateBuilder(args);
        builder.AddParley(environment);
        var app = new ParleyApp(builder);
        builder.Services.AddSingleton(app._handlers);
        builder.Services.PostConfigure<ParleyOptions>(options =>
        {
            options.Providers.TryAdd(ProviderName, new ProviderOptions { Kind = ProviderKinds.Handler, Models = [ModelId] });
            options.DefaultModel ??= $"{ProviderName}/{ModelId}";
        });
        return app;
    }

    /// <summary>Sets the handler that answers every message (seed 003's <c>handle_send_message</c>).</summary>
    public ParleyApp OnMessage(ChatHandler handler)
    {
        _handlers.Handler = handler;
        return this;
    }

    /// <summary>Seed 003's <c>set_config</c>: preloaded messages and function display headers.</summary>
    public ParleyApp Configure(Action<ParleyOptions> configure)
    {
        Builder.Services.PostConfigure(configure);
        return this;
    }

    public WebApplication Build()
    {
        var app = Builder.Build();
        app.MapParley();
        return app;
    }

    public void Run() => Build().Run();

    public Task RunAsync() => Build().RunAsync();
}
