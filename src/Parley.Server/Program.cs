using Parley.Configuration;
using Parley.Hosting;

DotEnvFile.LoadIntoEnvironment(".env");

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddParley();
    var app = builder.Build();
    app.MapParley();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
{
    await Console.Error.WriteLineAsync($"Parley cannot start: {problem}");
    return 2;
}
