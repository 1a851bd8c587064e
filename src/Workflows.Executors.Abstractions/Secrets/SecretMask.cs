namespace Workflows.Executors.Secrets;

/// <summary>Replaces secret values in text with <c>***</c>, as logs and recorded output show them.</summary>
public static class SecretMask
{
    /// <summary>The mask written in place of a secret.</summary>
    public const string Mask = "***";

    /// <summary>The text with every occurrence of each secret replaced.</summary>
    /// <param name="text">The text.</param>
    /// <param name="secrets">The secret values, longest first (<see cref="AttemptConfigs.SecretValues"/>).</param>
    public static string Apply(string text, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var secret in secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
