using System;
using System.Globalization;

namespace Workflows.Definitions
{
    /// <summary>
    /// Container limits as written (<c>memory_limit: 512Mi</c>, <c>cpu_limit: 500m</c>): parsed for Docker, checked by the
    /// validator, and multiplied by a retry rule's <c>memory_factor</c>.
    /// </summary>
    public static class ResourceQuantities
    {
        /// <summary>The largest memory limit a <c>memory_factor</c> grows to (1 TiB), so repeated retries stay finite.</summary>
        public const long MaxMemoryBytes = 1L << 40;

        private static readonly string[] MemorySuffixes =
        {
            "kib", "mib", "gib", "tib", "ki", "mi", "gi", "ti", "kb", "mb", "gb", "tb", "k", "m", "g", "t", "b",
        };

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
            foreach (var suffix in MemorySuffixes)
            {
                if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    factor = Multiple(suffix[0]);
                    value = value.Substring(0, value.Length - suffix.Length).TrimEnd();
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
            if (value.EndsWith("m", StringComparison.Ordinal))
            {
                divisor = 1000;
                value = value.Substring(0, value.Length - 1).TrimEnd();
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

        /// <summary>
        /// The memory limit <paramref name="text"/> times <paramref name="factor"/>, written in the largest whole binary
        /// unit (<c>1Gi</c>, <c>768Mi</c>) or in bytes, capped at <see cref="MaxMemoryBytes"/>; null when the text is not a size.
        /// </summary>
        /// <param name="text">The current limit.</param>
        /// <param name="factor">The multiplier.</param>
        public static string? MultiplyMemory(string? text, double factor)
        {
            if (!TryParseMemory(text, out var bytes) || double.IsNaN(factor) || double.IsInfinity(factor) || factor <= 0)
            {
                return null;
            }

            var product = bytes * factor;
            var result = product >= MaxMemoryBytes ? MaxMemoryBytes : Math.Max(1L, (long)Math.Round(product));
            return FormatMemory(result);
        }

        /// <summary>Writes a byte count in the largest whole binary unit: <c>2Gi</c>, <c>768Mi</c>, <c>4Ki</c>, or bytes.</summary>
        /// <param name="bytes">The size.</param>
        public static string FormatMemory(long bytes)
        {
            foreach (var (suffix, multiple) in new[] { ("Ti", 1L << 40), ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) })
            {
                if (bytes % multiple == 0)
                {
                    return (bytes / multiple).ToString(CultureInfo.InvariantCulture) + suffix;
                }
            }

            return bytes.ToString(CultureInfo.InvariantCulture);
        }

        private static long Multiple(char unit) => char.ToLowerInvariant(unit) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            _ => 1L,
        };
    }
}
