namespace Workflows.Executors.Secrets;

/// <summary>
/// The configuration values an attempt sees besides its request params and variables: the host's secrets and its job
/// type's configs (<c>/api/jobs/definitions/{type}/configs</c>). They are template variables like any other, with the
/// lowest precedence; the values of the secret ones are masked in logs and kept out of HTTP bodies and forked jobs.
/// </summary>
/// <param name="Values">Name → value.</param>
/// <param name="Secrets">The names whose values are secret.</param>
public sealed record AttemptConfigs(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Secrets)
{
    /// <summary>No configs.</summary>
    public static AttemptConfigs Empty { get; } = new(new Dictionary<string, string>(), new HashSet<string>());

    /// <summary>The secret values (what logs mask), longest first so a secret that contains another is masked whole.</summary>
    public IReadOnlyList<string> SecretValues { get; } = Secrets.Where(Values.ContainsKey).Select(n => Values[n])
        .Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();
}
