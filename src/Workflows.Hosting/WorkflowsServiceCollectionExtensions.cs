using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows.Executors;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Docker;
using Workflows.Executors.Http;
using Workflows.Executors.InProcess;
using Workflows.Executors.Shell;
using Workflows.Hosting;
using Workflows.Marten;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Definitions;
using Workflows.Marten.Tokens;
using Workflows.Marten.Logs;

namespace Workflows;

/// <summary>Adds the Workflows runtime to a host.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// The service key of Workflows' own Marten store: <c>[FromKeyedServices(WorkflowsServiceCollectionExtensions.StoreKey)] IDocumentStore</c>.
    /// It is keyed so that an application's own <c>services.AddMarten(...)</c> (its <see cref="IDocumentStore"/>) and
    /// Workflows live side by side on one database, each in its own schema.
    /// </summary>
    public const string StoreKey = "Workflows";

    /// <summary>
    /// Adds the job store on PostgreSQL (the configured server, or the embedded default cluster), the executors
    /// (DOCKER, SHELL, HTTP_*, C#), task logs, the artifact store, the workers and <see cref="WorkflowClient"/>.
    /// Register workflows too, e.g. with the generated <c>services.AddWorkflowsFromAssembly()</c>. Options are
    /// validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, Action<WorkflowsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WorkflowsOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkflowsOptions>, ExecutionPolicyValidation>();
        services.AddSingleton<IValidateOptions<WorkflowsOptions>, Hosting.Notifications.NotificationOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkflowsDatabase>();
        services.TryAddKeyedSingleton<IDocumentStore>(StoreKey, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
            var connection = provider.GetRequiredService<WorkflowsDatabase>().ConnectionString;
            return DocumentStore.For(marten =>
            {
                WorkflowsMarten.Configure(marten, connection, options.Schema);
                // The schema is applied once, at start (WorkerService), never lazily on a first query: hosts sharing
                // a database would otherwise race each other's DDL (duplicate pg_type) on their first requests.
                marten.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            });
        });
        services.TryAddSingleton<LocalWork>();
        services.TryAddSingleton(provider => new JobStore(Store(provider), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<LocalWork>()));
        services.TryAddSingleton<WorkflowClient>();
        services.TryAddSingleton(provider => new DefinitionStore(Store(provider), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new TokenStore(Store(provider), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new Marten.Configs.JobConfigs(
            Store(provider),
            provider.GetRequiredService<TimeProvider>(),
            new Dictionary<string, string>(provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.Secrets, StringComparer.Ordinal)));
        services.TryAddSingleton<RunningAttempts>();
        services.TryAddSingleton(provider => new Marten.Schedules.ScheduleStore(Store(provider)));
        services.TryAddSingleton(provider => new Marten.Hosts.HostHeartbeats(Store(provider)));
        services.TryAddSingleton<Hosting.Scheduling.Schedules>();
        services.TryAddSingleton(provider => new TaskLogs(Store(provider), provider.GetRequiredService<TimeProvider>()));
        // One store in the artifacts folder holds both: caches' archives are blobs beside the artifacts' (stored once per content).
        services.TryAddSingleton(provider => new FileArtifactStore(
            Store(provider),
            Path.Combine(provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.DataDirectory, "artifacts"),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IArtifactStore>(provider => provider.GetRequiredService<FileArtifactStore>());
        services.TryAddSingleton<Executors.Caches.ICacheStore>(provider => provider.GetRequiredService<FileArtifactStore>());
        AddExecutors(services);
        services.AddHostedService<WorkerService>();
        services.AddHostedService<RetentionService>();
        services.AddHostedService<ReaperService>();
        services.AddHostedService<Hosting.Scheduling.ScheduleService>();
        AddNotifications(services);
        return services;
    }

    /// <summary>
    /// <see cref="AddWorkflows(IServiceCollection, Action{WorkflowsOptions})"/> with the options bound from
    /// configuration: the <c>Workflows</c> section (WorkerCount, DataDirectory, Schema, Lease, Queues, Retention, …) and
    /// <c>ConnectionStrings:Workflows</c> (none: the embedded default PostgreSQL); <paramref name="configure"/> runs after.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The app's configuration (appsettings, environment, command line).</param>
    /// <param name="configure">More settings in code, e.g. HttpRedirects.</param>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration, Action<WorkflowsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddWorkflows(options =>
        {
            var section = configuration.GetSection("Workflows");
            Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(section, options);
            ConfigurationMaps.Fill(options.ImageFallbacks, section.GetSection(nameof(WorkflowsOptions.ImageFallbacks)));
            ConfigurationMaps.Fill(options.HttpRedirects, section.GetSection(nameof(WorkflowsOptions.HttpRedirects)));
            options.ConnectionString = Microsoft.Extensions.Configuration.ConfigurationExtensions.GetConnectionString(configuration, "Workflows") ?? options.ConnectionString;
            configure?.Invoke(options);
        });
    }

    private static void AddNotifications(IServiceCollection services)
    {
        services.TryAddSingleton(provider => provider.GetRequiredService<JobStore>().Notifications);
        // The client's own request logging writes each rendered URL, which may hold a secret: the dispatcher logs masked lines instead.
        // Webhook URLs come from definitions, as HTTP tasks' do: the same destinations check (SSRF). The slack URL is the
        // operator's own setting: its client has no check.
        services.AddHttpClient(Hosting.Notifications.NotificationDispatcher.ClientName).RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler { ConnectCallback = provider.GetRequiredService<HttpDestinations>().ConnectAsync });
        services.AddHttpClient(Hosting.Notifications.NotificationDispatcher.SlackClientName).RemoveAllLoggers();
        // After WorkerService, whose start applies the schema: the outbox table exists before the first claim.
        services.AddHostedService(provider => new Hosting.Notifications.NotificationDispatcher(
            provider.GetRequiredService<Marten.Notifications.NotificationOutbox>(), provider.GetRequiredService<IOptions<WorkflowsOptions>>(),
            provider.GetRequiredService<IHttpClientFactory>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Hosting.Notifications.NotificationDispatcher>>(),
            provider.GetService<Marten.Configs.JobConfigs>()));
    }

    private static IDocumentStore Store(IServiceProvider provider) => provider.GetRequiredKeyedService<IDocumentStore>(StoreKey);

    /// <summary>The hosts of the operator's <c>Workflows:HttpRedirects</c> targets: trusted destinations, local or not.</summary>
    private static IEnumerable<string> RedirectTargets(WorkflowsOptions options) => options.HttpRedirects.Values
        .Select(target => Uri.TryCreate(target, UriKind.Absolute, out var uri) ? uri.Host : null)
        .OfType<string>();

    private static void AddExecutors(IServiceCollection services)
    {
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
            return new HttpDestinations(options.Execution, RedirectTargets(options));
        });
        // The destinations check is the connect callback: it sees every connection, redirects and DNS answers included.
        services.AddHttpClient(new HttpExecutorOptions().ClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler { ConnectCallback = provider.GetRequiredService<HttpDestinations>().ConnectAsync });
        services.AddSingleton<ITaskExecutor>(provider => new InProcessExecutor(provider.GetServices<Workflow>()));
        services.AddSingleton<ITaskExecutor>(provider => new ShellExecutor(new ShellExecutorOptions
        {
            WorkRoot = Path.Combine(provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.DataDirectory, "work"),
            Policy = provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.Execution,
        }));
        services.AddSingleton<ITaskExecutor>(provider =>
        {
            var options = new HttpExecutorOptions { Destinations = provider.GetRequiredService<HttpDestinations>() };
            foreach (var (prefix, target) in provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.HttpRedirects)
            {
                options.Redirects[prefix] = target;
            }

            return new HttpExecutor(provider.GetRequiredService<IHttpClientFactory>(), options);
        });
        services.AddSingleton<ITaskExecutor>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
            var docker = new DockerExecutorOptions { Endpoint = options.DockerEndpoint, RunKubernetesAsDocker = options.KubernetesAsDocker, Policy = options.Execution };
            foreach (var (image, fallback) in options.ImageFallbacks)
            {
                docker.ImageFallbacks[image] = fallback;
            }

            return new DockerExecutor(docker);
        });
        services.AddSingleton<ITaskExecutor, Executors.Artifacts.ExpireArtifactsExecutor>();
        services.AddSingleton<ITaskExecutor, Hosting.Batch.ForkJobExecutor>();
        services.AddSingleton<ITaskExecutor, Hosting.Batch.AwaitForkedJobExecutor>();
        services.TryAddSingleton(provider => new TaskExecutors(provider.GetServices<ITaskExecutor>()));
        services.TryAddSingleton<Templates.ITemplateJobs, Hosting.Submissions.TemplateJobs>();
        services.TryAddSingleton<Executors.FanOut.IFanOutJobs, Hosting.Batch.FanOutJobs>();
        services.TryAddSingleton<TaskRunner>();
        services.TryAddSingleton(provider => new Runtime.RetryStrategies(provider.GetServices<Runtime.NamedRetryStrategy>(), provider.GetRequiredService<TimeProvider>()));
    }
}
