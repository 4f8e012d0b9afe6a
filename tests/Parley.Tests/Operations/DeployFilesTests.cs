using System.Globalization;
using Parley.Tests.Support;
using static Parley.Tests.Operations.DeployFiles;

namespace Parley.Tests.Operations;

/// <summary>The Dockerfile, compose.yaml and deploy/kubernetes agree with each other and with the running server.</summary>
public sealed class DeployFilesTests
{
    private const string ServerDll = "/app/Parley.Server.dll";

    [Fact]
    public void Every_environment_variable_the_deployment_files_set_is_documented_in_the_configuration_reference()
    {
        var used = new List<(string Variable, string Where)>();
        used.AddRange(DockerEnvironment(RuntimeStage()).Keys.Select(v => (v, "Dockerfile")));
        foreach (var (name, service) in ComposeParleyServices())
            used.AddRange(ComposeEnvironment(service).Keys.Select(v => (v, $"compose.yaml service {name}")));
        foreach (var kubernetesObject in KubernetesObjects())
        {
            var where = $"deploy/kubernetes {kubernetesObject["kind"]} {Map(kubernetesObject["metadata"])["name"]}";
            switch ((string)kubernetesObject["kind"])
            {
                case "ConfigMap":
                    used.AddRange(Map(kubernetesObject["data"]).Keys.Cast<string>().Select(v => (v, where)));
                    break;
                case "Secret":
                    used.AddRange(Map(kubernetesObject["stringData"]).Keys.Cast<string>().Select(v => (v, where)));
                    break;
                case "Deployment":
                    foreach (var container in Containers(kubernetesObject).Where(c => c.ContainsKey("env")))
                        used.AddRange(List(container["env"]).Select(e => ((string)Map(e)["name"], where)));
                    break;
            }
        }

        Assert.Contains(used, u => u.Variable == "PARLEY_DATA_DIR");
        Assert.True(used.Count > 20, $"only {used.Count} variables were found: the parsing is broken");
        var undocumented = used.Where(u => !DocumentedSettings.IsDocumented(u.Variable)).ToList();
        Assert.True(undocumented.Count == 0, "Not in docs/configuration.md: " + string.Join(", ", undocumented.Select(u => $"{u.Variable} ({u.Where})")));
    }

    [Fact]
    public void The_documented_names_check_rejects_an_unknown_name_and_accepts_key_patterns()
    {
        Assert.True(DocumentedSettings.IsDocumented("OPENAI_API_KEY"));
        Assert.True(DocumentedSettings.IsDocumented("Parley__ShutdownGraceSeconds"));
        Assert.True(DocumentedSettings.IsDocumented("Parley__Providers__local__BaseUrl"));
        Assert.False(DocumentedSettings.IsDocumented("Parley__ShutdownGraceSecond"));
        Assert.False(DocumentedSettings.IsDocumented("OPENAI_KEY"));
        Assert.False(DocumentedSettings.IsDocumented("Parley__Providers__local__BaseUri"));
    }

    [Fact]
    public async Task Every_probe_and_healthcheck_path_answers_200_on_a_running_parley()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal) { "/health/live" }; // what the healthcheck verb GETs
        foreach (var deployment in KubernetesObjects().Where(o => (string)o["kind"] == "Deployment"))
        {
            foreach (var container in Containers(deployment))
            {
                foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Where(container.ContainsKey))
                    paths.Add((string)At(Map(container[probe]), "httpGet", "path"));
            }
        }
        Assert.Contains("/health/ready", paths);

        await using var server = await ParleyTestServer.StartAsync();
        foreach (var path in paths)
        {
            using var response = await server.Client.GetAsync(path);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Ports_match_across_the_dockerfile_compose_and_kubernetes()
    {
        var runtime = RuntimeStage();
        var port = DockerEnvironment(runtime)["PORT"];
        Assert.Equal("8080", port);
        Assert.Equal(port, runtime.Single(i => i.Keyword == "EXPOSE").Arguments);
        Assert.Equal("0.0.0.0", DockerEnvironment(runtime)["HOST"]);
        Assert.Equal("2", DockerEnvironment(runtime)["MALLOC_ARENA_MAX"]);

        foreach (var (name, service) in ComposeParleyServices())
        {
            Assert.Equal(port, ComposeEnvironment(service)["PORT"]);
            if (service.TryGetValue("ports", out var ports))
                Assert.All(List(ports).Cast<string>(), p => Assert.Equal(port, p.Split(':')[^1]));
            else
                Assert.Equal("parley-worker", name);
        }

        var config = Map(KubernetesObject("ConfigMap", "parley-config")["data"]);
        Assert.Equal(port, config["PORT"]);
        Assert.Equal("0.0.0.0", config["HOST"]);
        foreach (var deployment in new[] { KubernetesObject("Deployment", "parley"), KubernetesObject("Deployment", "parley-worker") })
        {
            var container = Containers(deployment).Single();
            var declared = List(container["ports"]).Select(Map).Single();
            Assert.Equal(port, (string)declared["containerPort"]);
            foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Where(container.ContainsKey))
                Assert.Equal(port, Resolve((string)At(Map(container[probe]), "httpGet", "port"), declared));
        }

        var serviceTarget = (string)List(At(KubernetesObject("Service", "parley"), "spec", "ports")).Select(Map).Single()["targetPort"];
        Assert.Equal(port, Resolve(serviceTarget, List(Containers(KubernetesObject("Deployment", "parley")).Single()["ports"]).Select(Map).Single()));
    }

    [Fact]
    public void The_image_and_the_pods_run_as_a_non_root_user_with_the_data_folder_as_a_volume()
    {
        var runtime = RuntimeStage().ToList();
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", runtime[0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", Dockerfile()[0].Arguments, StringComparison.Ordinal);
        var user = runtime.Last(i => i.Keyword == "USER").Arguments.Split(':');
        var uid = int.Parse(user[0], CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);
        Assert.True(runtime.FindLastIndex(i => i.Keyword == "USER") > runtime.FindLastIndex(i => i.Keyword == "RUN"), "a RUN after USER would run as that user, and nothing may switch back to root");
        Assert.Equal("/data", DockerEnvironment(runtime)["PARLEY_DATA_DIR"]);
        Assert.Contains(runtime, i => i.Keyword == "VOLUME" && i.Arguments.Contains("\"/data\"", StringComparison.Ordinal));

        foreach (var deployment in KubernetesObjects().Where(o => (string)o["kind"] == "Deployment"))
        {
            var pod = Map(At(deployment, "spec", "template", "spec", "securityContext"));
            Assert.Equal("true", pod["runAsNonRoot"]);
            Assert.Equal(uid.ToString(CultureInfo.InvariantCulture), pod["runAsUser"]);
            foreach (var container in Containers(deployment))
            {
                var security = Map(container["securityContext"]);
                Assert.Equal("true", security["readOnlyRootFilesystem"]);
                Assert.Equal("false", security["allowPrivilegeEscalation"]);
                var mounts = List(container["volumeMounts"]).Select(m => (string)Map(m)["mountPath"]).ToList();
                Assert.Contains("/data", mounts);
                Assert.Contains("/tmp", mounts);
                Assert.True(Map(container["resources"]).ContainsKey("requests") && Map(container["resources"]).ContainsKey("limits"));
            }
        }
    }

    [Fact]
    public void The_healthchecks_use_the_servers_healthcheck_verb()
    {
        var runtime = RuntimeStage();
        var entrypoint = runtime.Single(i => i.Keyword == "ENTRYPOINT").Arguments;
        Assert.Equal($"[\"dotnet\", \"{ServerDll}\"]", entrypoint);
        var healthcheck = runtime.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.EndsWith($"CMD [\"dotnet\", \"{ServerDll}\", \"healthcheck\"]", healthcheck, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", healthcheck, StringComparison.Ordinal);

        foreach (var (_, service) in ComposeParleyServices())
        {
            var test = List(At(service, "healthcheck", "test")).Cast<string>().ToList();
            Assert.Equal(["CMD", "dotnet", ServerDll, "healthcheck"], test);
        }
    }

    [Fact]
    public void Compose_starts_two_instances_after_healthy_postgres_and_redis_in_accounts_mode_with_secrets_only_from_the_env_file()
    {
        var compose = Compose();
        var services = Map(compose["services"]);
        var parley = ComposeParleyServices();
        Assert.Equal(["parley-1", "parley-2", "parley-worker"], parley.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, service) in parley)
        {
            var environment = ComposeEnvironment(service);
            Assert.Equal("accounts", environment["Parley__Auth__Mode"]);
            Assert.StartsWith("postgres://parley:${POSTGRES_PASSWORD", environment["DATABASE_URL"], StringComparison.Ordinal);
            Assert.StartsWith("redis://redis:6379/", environment["REDIS_URL"], StringComparison.Ordinal);
            Assert.False(environment.ContainsKey("PARLEY_ADMIN_PASSWORD"), $"{name}: the admin password comes from the env file");
            Assert.DoesNotContain(environment.Keys, k => k.EndsWith("API_KEY", StringComparison.Ordinal));
            Assert.Equal(".env", (string)Map(List(service["env_file"]).Single())["path"]);
            Assert.Contains("/data", List(service["volumes"]).Cast<string>().Select(v => v.Split(':')[1]));
        }

        foreach (var (name, node) in services)
        {
            var service = Map(node);
            if (!service.TryGetValue("depends_on", out var dependencies))
                continue;
            foreach (var (dependency, condition) in Map(dependencies))
            {
                Assert.Equal("service_healthy", Map(condition)["condition"]);
                Assert.True(Map(services[dependency]).ContainsKey("healthcheck") || ((string)dependency).StartsWith("parley", StringComparison.Ordinal),
                    $"{name} waits for {dependency}, which has no healthcheck");
            }
        }
        Assert.Equal(["postgres", "redis"], Map(parley["parley-1"]["depends_on"]).Keys.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Contains("kafka", Map(parley["parley-worker"]["depends_on"]).Keys.Cast<string>());
        Assert.Equal(["worker"], List(parley["parley-worker"]["command"]).Cast<string>());
        Assert.Equal("kafka:9092", ComposeEnvironment(parley["parley-worker"])["BOOTSTRAP_SERVER"]);
        foreach (var profiled in new[] { "kafka", "parley-worker" })
            Assert.Equal(["kafka"], List(Map(services[profiled])["profiles"]).Cast<string>());
        Assert.False(Map(services["parley-1"]).ContainsKey("profiles"));
    }

    [Fact]
    public void Kubernetes_has_every_object_the_issue_asks_for_and_they_refer_to_each_other_correctly()
    {
        var listed = KustomizationResources();
        var files = Directory.GetFiles(KubernetesFolder, "*.yaml").Select(System.IO.Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var kinds = KubernetesObjects().Select(o => (string)o["kind"]).ToList();
        foreach (var kind in new[] { "Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "HorizontalPodAutoscaler" })
            Assert.Contains(kind, kinds);

        var server = KubernetesObject("Deployment", "parley");
        var worker = KubernetesObject("Deployment", "parley-worker");
        Assert.Equal("2", At(server, "spec", "replicas"));
        var serverLabels = Map(At(server, "spec", "template", "metadata", "labels"));
        var workerLabels = Map(At(worker, "spec", "template", "metadata", "labels"));
        bool Selects(object selector, Dictionary<object, object> labels) => Map(selector).All(s => labels.TryGetValue(s.Key, out var v) && Equals(v, s.Value));

        Assert.True(Selects(At(KubernetesObject("Service", "parley"), "spec", "selector"), serverLabels));
        Assert.False(Selects(At(KubernetesObject("Service", "parley"), "spec", "selector"), workerLabels), "the Service must not send HTTP traffic to Kafka workers");
        var pdbSelector = At(KubernetesObject("PodDisruptionBudget", "parley"), "spec", "selector", "matchLabels");
        Assert.True(Selects(pdbSelector, serverLabels));
        Assert.False(Selects(pdbSelector, workerLabels));
        var hpa = KubernetesObject("HorizontalPodAutoscaler", "parley");
        Assert.Equal("parley", At(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse((string)At(hpa, "spec", "minReplicas"), CultureInfo.InvariantCulture) >= 2);

        var workerContainer = Containers(worker).Single();
        Assert.Equal(["worker"], List(workerContainer["args"]).Cast<string>());
        Assert.Contains(List(workerContainer["env"]).Select(Map), e => (string)e["name"] == "BOOTSTRAP_SERVER");

        var secret = Map(KubernetesObject("Secret", "parley-secrets")["stringData"]);
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "PARLEY_ADMIN_PASSWORD", "DATABASE_URL" })
            Assert.True(secret.ContainsKey(key), $"the Secret has no {key}");
        Assert.Equal("accounts", Map(KubernetesObject("ConfigMap", "parley-config")["data"])["Parley__Auth__Mode"]);
        foreach (var deployment in new[] { server, worker })
        {
            var sources = List(Containers(deployment).Single()["envFrom"]).Select(Map).ToList();
            Assert.Contains(sources, s => s.TryGetValue("secretRef", out var r) && (string)Map(r)["name"] == "parley-secrets");
            Assert.Contains(sources, s => s.TryGetValue("configMapRef", out var r) && (string)Map(r)["name"] == "parley-config");
            Assert.Equal("false", At(deployment, "spec", "template", "spec", "enableServiceLinks"));
        }
    }

    /// <summary>A probe or Service port: a number, or the name of one of the container's ports.</summary>
    private static string Resolve(string port, Dictionary<object, object> declared) =>
        port.All(char.IsAsciiDigit) ? port : (string)declared["name"] == port ? (string)declared["containerPort"] : $"unknown port name '{port}'";
}
