using Parley.Configuration;
using Parley.Hosting;
using Parley.Kafka;
using Parley.Server;

DotEnvFile.LoadIntoEnvironment(".env");

if (AdminVerbs.Handles(args))
    return await AdminVerbs.RunAsync(args);

// `worker`: only the Kafka worker (seed 001) and /health; otherwise the server, with the worker beside it when BOOTSTRAP_SERVER is set.
var worker = args is ["worker", ..];
if (worker)
    args = args[1..];

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddParley();
    var app = builder.Build();
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
