using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Parley.Configuration;
using Parley.Hosting;
using Parley.Providers;

namespace Parley.Library;

/// <summary>
/// Library mode (seed 003): reference Parley, write one handler, get the whole web app and APIs for it.
/// <code>
/// var app = ParleyApp.Create(args);
/// app.OnMessage(async (chat, ct) =>
/// {
///     var id = chat.NewMessageId();
///     await foreach (var update in app.ChatClient("openai/gpt-4o-mini").GetStreamingResponseAsync(chat.Messages, chat.Options, ct))
///         await chat.UpdateAsync(update, id, ct);
/// });
/// app.Run();
/// </code>
/// </summary>
public sealed class ParleyApp
{
    public const string ProviderName = "app";
    public const string ModelId = "handler";

    private readonly ChatHandlerRegistry _handlers = new();
    private WebApplication? _app;

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

    /// <summary>
    /// A fresh, unique message id (seed 003's <c>app.new_id()</c>): deltas sent with it make one message. The same as
    /// <see cref="ParleyChat.NewMessageId"/> on the turn.
    /// </summary>
    public static string NewMessageId() => $"msg_{Guid.NewGuid():N}"[..16];

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

    /// <summary>
    /// A configured model (<c>openai/gpt-4o-mini</c>, an alias, any provider's model; null: the default real model) as an
    /// <see cref="IChatClient"/> through Parley's pipeline (retries, fallbacks, cache), for a handler to call and stream
    /// from. Available once the app is built (inside a handler it always is).
    /// </summary>
    public IChatClient ChatClient(string? model = null)
    {
        var services = (_app ?? throw new InvalidOperationException("Build or run the app before asking for a model: call ChatClient inside the handler.")).Services;
        var catalog = services.GetRequiredService<ModelCatalog>();
        var entry = catalog.Resolve(model ?? catalog.Listed.FirstOrDefault(m => !m.IsMock && m.Kind != ProviderKinds.Handler)?.Id);
        return new ConfiguredModelClient(services.GetRequiredService<ChatClients>().Get(entry), entry.ModelId);
    }

    public WebApplication Build()
    {
        var app = Builder.Build();
        app.MapParley();
        _app = app;
        return app;
    }

    public void Run() => Build().Run();

    public Task RunAsync() => Build().RunAsync();
}
