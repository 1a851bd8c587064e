using Workflows.Definitions;

namespace Workflows.Tests;

/// <summary>The DSL's webhook triggers, skip_if and except write the same model keys the YAML loader reads.</summary>
public class TriggerDslTests
{
    [Fact]
    public void WebhookTrigger_and_TriggerParam_build_formicarys_trigger_with_its_auth_filter_dedup_key_rate_limit_and_params()
    {
        var definition = Workflow.Create("ci", job => job
            .WebhookTrigger("on-push", WebhookAuth.HmacSha256, secretConfig: "CIWebhookSecret", header: "X-Hub-Signature-256",
                filter: "{{ if Body.ref == \"refs/heads/main\" }}true{{ end }}", dedupKey: "ci-{{ Body.after }}", rateLimitMax: 30, rateLimitWindow: TimeSpan.FromMinutes(5))
                .TriggerParam("branch", "{{ trimPrefix \"refs/heads/\" Body.ref }}")
                .TriggerParam("repo", "{{ Body.repository.full_name }}")
            .WebhookTrigger("on-push-dev")
            .SkipIf("{{ if branch != \"main\" }} true {{ end }}")
            .Task("build").Shell().Script("make").Except("{{ if DryRun }} true {{ end }}")).Definition;

        Assert.Equal(
            [
                new TriggerSpec("on-push", "webhook", AuthMethod: "hmac_sha256", AuthSecretConfig: "CIWebhookSecret", AuthHeader: "X-Hub-Signature-256",
                    Params: new[] { new NamedValue("branch", "{{ trimPrefix \"refs/heads/\" Body.ref }}"), new NamedValue("repo", "{{ Body.repository.full_name }}") }.ToEquatableArray(),
                    Filter: "{{ if Body.ref == \"refs/heads/main\" }}true{{ end }}", DedupKey: "ci-{{ Body.after }}", RateLimitMax: 30, RateLimitWindow: TimeSpan.FromMinutes(5)),
                new TriggerSpec("on-push-dev", "webhook"),
            ],
            definition.Triggers);
        Assert.Equal("{{ if branch != \"main\" }} true {{ end }}", definition.SkipIf);
        Assert.Equal("{{ if DryRun }} true {{ end }}", definition.Tasks[0].Except);
    }

    [Fact]
    public void A_TriggerParam_before_any_trigger_throws_saying_which_call_comes_first()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Workflow.Create("ci", job => job.TriggerParam("branch", "{{ Body.ref }}").Task("a").Shell().Script("true")).Definition);

        Assert.Contains("call WebhookTrigger(...)", e.Message, StringComparison.Ordinal);
    }
}
