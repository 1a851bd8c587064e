using System.Globalization;

namespace Workflows.Executors.Docker;

/// <summary>Reads a container's <c>memory_limit</c> and <c>cpu_limit</c> as Docker wants them (bytes, nano-CPUs).</summary>
internal static class ContainerLimits
{
    private static readonly (string Suffix, long Factor)[] MemorySuffixes =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("ki", 1L << 10), ("mi", 1L << 20), ("gi", 1L << 30), ("ti", 1L << 40),
        ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30), ("tb", 1L << 40),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1L),
    ];

    /// <summary>
    /// Parses a memory size: a number of bytes, or a number with a Kubernetes (<c>512Mi</c>, <c>1Gi</c>) or Docker
    /// (<c>256m</c>, <c>1g</c>, <c>64mb</c>) suffix. Every suffix is a binary multiple (Docker's reading, so <c>1G</c> is
    /// 1 GiB, not 10^9 bytes).
    /// </summary>
    /// <param name="text">The limit as written.</param>
    /// <param name="bytes">The size in bytes.</param>
    /// <returns>False when the text is not a positive size.</returns>
    public static bool TryParseMemory(string? text, out long bytes)
    {
        bytes = 0;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return false;
        }

        long factor = 1;
        foreach (var (suffix, multiple) in MemorySuffixes)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = multiple;
                value = value[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return false;
        }

        if (number > (decimal)long.MaxValue / factor || number * factor < 1)
        {
            return false;
        }

        bytes = (long)(number * factor);
        return true;
    }

    /// <summary>Parses a CPU count: cores (<c>0.5</c>, <c>2</c>) or millicores (<c>500m</c>).</summary>
    /// <param name="text">The limit as written.</param>
    /// <param name="nanoCpus">The limit in billionths of a CPU (Docker's <c>NanoCpus</c>).</param>
    /// <returns>False when the text is not a positive CPU count.</returns>
    public static bool TryParseCpu(string? text, out long nanoCpus)
    {
        nanoCpus = 0;
        var value = text?.Trim() ?? string.Empty;
        decimal divisor = 1;
        if (value.EndsWith('m'))
        {
            divisor = 1000;
            value = value[..^1].TrimEnd();
        }

        if (value.Length == 0
            || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number <= 0
            || number / divisor > 1_000_000)
        {
            return false;
        }

        nanoCpus = (long)(number / divisor * 1_000_000_000m);
        return nanoCpus > 0;
    }
}
