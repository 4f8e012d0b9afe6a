using System.Diagnostics;
using Npgsql;
using Parley.Storage.Postgres;

namespace Parley.Tests.Storage.Postgres;

/// <summary>DATABASE_URL: the postgres:// URL form and Npgsql connection strings, and clear startup errors that never show the password.</summary>
public sealed class DatabaseUrlTests
{
    [Fact]
    public void A_url_gives_host_port_database_and_decoded_credentials()
    {
        var builder = PostgresConnectionString.Parse("postgres://app%40corp:p%40ss%3Aw0rd%2F@db.internal:6543/parley_prod?sslmode=require&application_name=parley%20web");
        Assert.Equal(("db.internal", 6543, "parley_prod"), (builder.Host, builder.Port, builder.Database));
        Assert.Equal(("app@corp", "p@ss:w0rd/"), (builder.Username, builder.Password));
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("parley web", builder.ApplicationName);
        Assert.Equal("db.internal:6543/parley_prod", PostgresConnectionString.Describe(builder));
    }

    [Theory]
    [InlineData("postgresql://localhost/parley", "localhost", 5432)]
    [InlineData("postgres://u@[::1]:5433/parley", "::1", 5433)]
    [InlineData("POSTGRES://u:p@127.0.0.1/parley?connect_timeout=3", "127.0.0.1", 5432)]
    public void Url_variants_parse(string url, string host, int port)
    {
        var builder = PostgresConnectionString.Parse(url);
        Assert.Equal((host, port, "parley"), (builder.Host, builder.Port, builder.Database));
    }

    [Fact]
    public void A_connection_string_is_taken_as_is()
    {
        var builder = PostgresConnectionString.Parse("Host=pg;Port=5544;Database=parley;Username=parley;Password=x;Maximum Pool Size=7");
        Assert.Equal(("pg", 5544, "parley", 7), (builder.Host, builder.Port, builder.Database, builder.MaxPoolSize));
    }

    [Theory]
    [InlineData("mysql://u:s3cretpw@host/db", "postgres:// or postgresql://")]
    [InlineData("postgres://u:s3cretpw@host:notaport/db", "cannot be parsed")]
    [InlineData("postgres://u:s3cretpw@host/", "no database name")]
    [InlineData("postgres://u:s3cretpw@host/db?frobnicate=1", "frobnicate")]
    [InlineData("Database=parley;Password=s3cretpw", "no host")]
    [InlineData("Host=pg;Database=parley;Password=s3cretpw;Bogus Key=1", "bogus key")]
    public void Bad_values_name_the_problem_without_the_password(string value, string expected)
    {
        Assert.False(PostgresConnectionString.TryParse(value, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cretpw", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_names_the_setting_and_its_seed_variable()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { ConnectionString = "postgres://u:s3cretpw@host/" });
        Assert.True(result.Failed);
        Assert.Contains("Parley:Database:ConnectionString (DATABASE_URL)", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new DatabaseOptionsValidator().Validate(null, new DatabaseOptions()).Succeeded);
    }

    [Fact]
    public async Task A_bad_DATABASE_URL_stops_the_server_with_one_line_and_no_password()
    {
        var line = await FailedStartAsync("postgres://parley:s3cretpw@db.example:99999/parley");
        Assert.Contains("Parley:Database:ConnectionString (DATABASE_URL)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_server_with_one_line_and_no_password()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var line = await FailedStartAsync($"postgres://parley:s3cretpw@127.0.0.1:{closedPort}/parley");
        Assert.Contains("PostgreSQL (DATABASE_URL) is not reachable", line, StringComparison.Ordinal);
    }

    private static async Task<string> FailedStartAsync(string databaseUrl)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment =
            {
                ["DATABASE_URL"] = databaseUrl,
                ["PORT"] = "0", ["HOST"] = "127.0.0.1", ["PARLEY_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "parley-config-test"),
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server started despite an invalid DATABASE_URL.");
        }
        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Parley cannot start:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", line + await stdout, StringComparison.Ordinal);
        return line;
    }
}
