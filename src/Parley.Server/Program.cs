using Parley.Configuration;
using Parley.Hosting;
using Parley.Kafka;
using Parley.Operations;
using Parley.Server;

DotEnvFile.LoadIntoEnvironment(".env");

// `keys …`, `users …`: manage API keys and accounts on the configured store.
if (AdminVerbs.Handles(args))
    return await AdminVerbs.RunAsync(args);

// `models pull|list`: GGUF files for local (llama) providers, in the data directory.
if (ModelVerbs.Handles(args))
    return await ModelVerbs.RunAsync(args);

// `healthcheck`: GET /health/live on this container's PORT, exit 0/1 (for HEALTHCHECK; the runtime image has no curl).
if (args is ["healthcheck", ..])
    return await HealthcheckCommand.RunAsync(DotEnvFile.CurrentEnvironment(), Console.Out);

// `doctor`: what is configured and whether each part answers; exit 0 when every required part does.
var doctor = args is ["doctor", ..];
// `worker`: only the Kafka worker (seed 001) and /health; otherwise the server, with the worker beside it when BOOTSTRAP_SERVER is set.
var worker = args is ["worker", ..];
if (worker || doctor)
    args = args[1..];

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddParley();
    if (doctor)
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
    var app = builder.Build();
    if (doctor)
    {
        var timeout = TimeSpan.FromSeconds(app.Configuration.GetValue("timeout", 10.0));
        return await new Doctor(app.Services, app.Configuration, timeout).RunAsync(Console.Out);
    }
    if (worker)
        app.MapKafkaWorker();
    else
        app.MapParley();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
{
    await Console.Error.WriteLineAsync($"Parley cannot start: {problem}");
    return 2;
}
