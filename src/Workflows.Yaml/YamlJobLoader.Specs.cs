using Workflows.Definitions;

namespace Workflows.Yaml;

public static partial class YamlJobLoader
{
    private static readonly string[] ArtifactsWhenWords = { "always", "onSuccess", "onFailure" };
    private static readonly string[] NotifyWhenWords = { "always", "onSuccess", "onFailure", "never" };
    private static readonly string[] TriggerTypes = { "webhook", "s3", "queue" };
    private static readonly string[] TriggerModes = { "poll", "notification" };
    private static readonly string[] AuthMethods = { "hmac_sha256", "bearer_token", "api_key_header" };
    private static readonly string[] TimeoutActions = WorkflowValidator.ApprovalTimeoutActions;

    private static ContainerSpec? ReadContainer(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'container:' with 'image: alpine' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new ContainerSpec(string.Empty);
        var options = new List<NamedValue>();
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Container))
        {
            spec = k switch
            {
                "image" => spec with { Image = context.String(v, inner, k) ?? string.Empty },
                "cpu_limit" => spec with { CpuLimit = context.String(v, inner, k) },
                "cpu_request" => spec with { CpuRequest = context.String(v, inner, k) },
                "memory_limit" => spec with { MemoryLimit = context.String(v, inner, k) },
                "memory_request" => spec with { MemoryRequest = context.String(v, inner, k) },
                "ephemeral_storage_limit" => spec with { EphemeralStorageLimit = context.String(v, inner, k) },
                "ephemeral_storage_request" => spec with { EphemeralStorageRequest = context.String(v, inner, k) },
                "service_account" => spec with { ServiceAccount = context.String(v, inner, k) },
                _ => Keep(spec, options, k, context.Json(v, inner, k)),
            };
        }

        return options.Count == 0 ? spec : spec with { Options = options.ToEquatableArray() };
    }

    private static T Keep<T>(T spec, List<NamedValue> options, string key, string json)
    {
        options.Add(new NamedValue(key, json));
        return spec;
    }

    private static ArtifactsSpec? ReadArtifacts(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'artifacts:' with 'paths: [out]' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new ArtifactsSpec(default);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Artifacts))
        {
            spec = k switch
            {
                "paths" => spec with { Paths = context.Strings(v, inner, k) },
                "expires_after" => spec with { ExpiresAfter = context.Duration(v, inner, k) },
                _ => spec with
                {
                    When = context.OneOf(v, inner, k, ArtifactsWhenWords) switch
                    {
                        "onSuccess" => ArtifactsWhen.OnSuccess,
                        "onFailure" => ArtifactsWhen.OnFailure,
                        _ => ArtifactsWhen.Always,
                    },
                },
            };
        }

        return spec;
    }

    private static CacheSpec? ReadCache(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'cache:' with 'paths: [.m2]' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new CacheSpec(default);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Cache))
        {
            spec = k switch
            {
                "paths" => spec with { Paths = context.Strings(v, inner, k) },
                "key" => spec with { Key = context.String(v, inner, k) },
                "key_paths" => spec with { KeyPaths = context.Strings(v, inner, k) },
                _ => spec with { ExpiresAfter = context.Duration(v, inner, k) },
            };
        }

        return spec;
    }

    private static EquatableArray<ServiceSpec> ReadServices(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Sequence(value, scope, key, "a list of services, each '- name: redis' with 'image: redis:7'") is not { } list)
        {
            return default;
        }

        var services = new List<ServiceSpec>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (context.Mapping(list.Items[i], scope, key, "'- name: redis' with 'image: redis:7'") is not { } map)
            {
                continue;
            }

            var inner = scope.Nested(key, i);
            var spec = new ServiceSpec(string.Empty, string.Empty);
            var options = new List<NamedValue>();
            string? name = null;
            foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Service))
            {
                spec = k switch
                {
                    "name" => spec with { Name = (name = context.String(v, inner, k)) ?? string.Empty },
                    "image" => spec with { Image = context.String(v, inner, k) ?? string.Empty },
                    "alias" => spec with { Alias = context.String(v, inner, k) },
                    "instances" => spec with { Instances = context.Int(v, inner, k) ?? 1 },
                    "working_directory" => spec with { WorkingDirectory = context.String(v, inner, k) },
                    "command" => spec with { Command = context.Strings(v, inner, k) },
                    "entrypoint" => spec with { Entrypoint = context.Strings(v, inner, k) },
                    "ports" => spec with { Ports = context.Sequence(v, inner, k, "'ports: [6379]'")?.Items.Select(p => context.Text(p, inner, k)).ToEquatableArray() ?? default },
                    "cpu_limit" => spec with { CpuLimit = context.String(v, inner, k) },
                    "cpu_request" => spec with { CpuRequest = context.String(v, inner, k) },
                    "memory_limit" => spec with { MemoryLimit = context.String(v, inner, k) },
                    "memory_request" => spec with { MemoryRequest = context.String(v, inner, k) },
                    "ephemeral_storage_limit" => spec with { EphemeralStorageLimit = context.String(v, inner, k) },
                    "ephemeral_storage_request" => spec with { EphemeralStorageRequest = context.String(v, inner, k) },
                    "volumes" => spec with { Volumes = ReadVolumes(v, inner, k, context) },
                    _ => Keep(spec, options, k, context.Json(v, inner, k)),
                };
            }

            if (name is null)
            {
                Missing(context, scope, key, map, $"{key}[{i}]", "name", "name: redis");
                continue;
            }

            services.Add(options.Count == 0 ? spec : spec with { Options = options.ToEquatableArray() });
        }

        return services.ToEquatableArray();
    }

    /// <summary>formicary's Kubernetes volumes: a mapping of kinds (<c>empty_dir</c>, <c>host_path</c>, …), each a list of mounts.</summary>
    private static EquatableArray<VolumeSpec> ReadVolumes(YamlNode value, Scope scope, string key, LoadContext context)
    {
        const string Example = "'volumes:' with 'empty_dir:' and '- name: certs' / 'mount_path: /certs' below it";
        if (context.Mapping(value, scope, key, Example) is not { } kinds)
        {
            return default;
        }

        var inner = scope.Nested(key);
        var volumes = new List<VolumeSpec>();
        foreach (var (kindKey, _, list) in context.Entries(kinds, inner, VolumeSpec.KindKeys))
        {
            var kind = (VolumeKind)Array.IndexOf(VolumeSpec.KindKeys, kindKey);
            if (list is YamlScalarNode { IsNull: true } || context.Sequence(list, inner, kindKey, $"'{kindKey}:' with '- name: data' / 'mount_path: /data' below it") is not { } items)
            {
                continue;
            }

            for (var i = 0; i < items.Items.Count; i++)
            {
                if (context.Mapping(items.Items[i], inner, kindKey, "'- name: data' with 'mount_path: /data'") is not { } map)
                {
                    continue;
                }

                var at = inner.Nested(kindKey, i);
                var volume = new VolumeSpec(kind, string.Empty, string.Empty);
                var options = new List<NamedValue>();
                foreach (var (k, _, v) in context.Entries(map, at, KnownKeys.Volume))
                {
                    volume = k switch
                    {
                        "name" => volume with { Name = context.String(v, at, k) ?? string.Empty },
                        "mount_path" => volume with { MountPath = context.String(v, at, k) ?? string.Empty },
                        "host_path" => volume with { HostPath = context.String(v, at, k) },
                        "sub_path" => volume with { SubPath = context.String(v, at, k) },
                        "read_only" => volume with { ReadOnly = context.Bool(v, at, k) ?? false },
                        "medium" => volume with { Medium = context.String(v, at, k) },
                        _ => Keep(volume, options, k, context.Json(v, at, k)),
                    };
                }

                volumes.Add(options.Count == 0 ? volume : volume with { Options = options.ToEquatableArray() });
            }
        }

        return volumes.ToEquatableArray();
    }

    private static void Missing(LoadContext context, Scope scope, string key, YamlNode at, string display, string missing, string example) =>
        context.Report(WorkflowDiagnostics.MissingRequiredKey, scope, key, at, scope.Subject, display, missing, example);

    private static WebhookSpec? ReadWebhook(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'webhook:' with 'url: https://example.com/hook' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new WebhookSpec(string.Empty);
        string? url = null;
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Webhook))
        {
            spec = k switch
            {
                "url" => spec with { Url = (url = context.String(v, inner, k)) ?? string.Empty },
                "headers" => spec with { Headers = context.NamedValues(v, inner, k) },
                _ => spec with { Query = context.NamedValues(v, inner, k) },
            };
        }

        if (url is null)
        {
            Missing(context, scope, key, map, key, "url", "url: https://example.com/hook");
            return null;
        }

        return spec;
    }

    private static EquatableArray<NotifySpec> ReadNotify(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'notify:' with 'email:' and its 'recipients:' below it") is not { } map)
        {
            return default;
        }

        var inner = scope.Nested(key);
        var channels = new List<NotifySpec>();
        foreach (var (channel, _, v) in context.Entries(map, inner, known: null))
        {
            if (v is YamlScalarNode { IsNull: false } dropped && GoTemplateTranslator.ContainsTemplate(dropped.Value))
            {
                // formicary drops every line holding a template before it reads the job's structure.
                context.Report(WorkflowDiagnostics.ReadAsFormicaryReadsIt, inner, channel, v, inner.Subject, inner.Display(channel), v.Describe(),
                    "nothing, as formicary reads it (it drops a line holding a template when it loads a job)", $"Write '{channel}:' with 'recipients: [me@example.com]' below it to notify there.");
                continue;
            }

            if (context.Mapping(v, inner, channel, $"'{channel}:' with 'recipients: [me@example.com]' below it") is not { } settings)
            {
                continue;
            }

            var channelScope = inner.Nested(channel);
            var spec = new NotifySpec(channel, default);
            foreach (var (k, _, setting) in context.Entries(settings, channelScope, KnownKeys.NotifyChannel))
            {
                spec = k == "recipients"
                    ? spec with { Recipients = context.Strings(setting, channelScope, k) }
                    : spec with { When = NotifyWhen(setting, channelScope, k, context) };
            }

            channels.Add(spec);
        }

        return channels.ToEquatableArray();
    }

    /// <summary>
    /// formicary takes any text for <c>when</c> and notifies only on always, onSuccess and onFailure
    /// (<c>NotifyWhen.Accept</c>), so another word (<c>none</c>) is read as never, with a warning naming the near word.
    /// </summary>
    private static string NotifyWhen(YamlNode value, Scope scope, string key, LoadContext context)
    {
        var text = context.String(value, scope, key)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            // formicary's NotifyWhen.Accept sends on "" as on always (the default).
            return "always";
        }

        if (NotifyWhenWords.FirstOrDefault(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase)) is { } word)
        {
            return word;
        }

        var near = NameSuggester.Suggest(text, NotifyWhenWords);
        context.Report(WorkflowDiagnostics.ReadAsFormicaryReadsIt, scope, key, value, scope.Subject, scope.Display(key), value.Describe(),
            "never, as formicary reads it (it notifies only on always, onSuccess or onFailure)",
            near.IsEmpty ? "Write 'when: never' to say so." : $"Did you mean '{near[0]}'? Else write 'when: never' to say so.");
        return "never";
    }

    private static ResourceSpec? ReadResources(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'resources:' with 'resource_type: gpu' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new ResourceSpec(string.Empty);
        string? type = null;
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Resource))
        {
            spec = k switch
            {
                "resource_type" => spec with { ResourceType = (type = context.String(v, inner, k)) ?? string.Empty },
                "value" => spec with { Value = context.Int(v, inner, k) ?? 0 },
                "description" => spec with { Description = context.String(v, inner, k) },
                "platform" => spec with { Platform = context.String(v, inner, k) },
                "category" => spec with { Category = context.String(v, inner, k) },
                "tags" => spec with { Tags = context.Strings(v, inner, k) },
                _ => ReadExtractConfig(spec, v, inner, k, context),
            };
        }

        if (type is null)
        {
            Missing(context, scope, key, map, key, "resource_type", "resource_type: gpu");
            return null;
        }

        return spec;
    }

    private static ResourceSpec ReadExtractConfig(ResourceSpec spec, YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'extract_config:' with 'properties: [id]' below it") is not { } map)
        {
            return spec;
        }

        var inner = scope.Nested(key);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.ExtractConfig))
        {
            spec = k == "properties"
                ? spec with { ExtractProperties = context.Strings(v, inner, k) }
                : spec with { ContextPrefix = context.String(v, inner, k) };
        }

        return spec;
    }
}
