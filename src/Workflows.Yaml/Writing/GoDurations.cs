using System.Globalization;
using System.Text;

namespace Workflows.Yaml.Writing;

/// <summary>Writes a <see cref="TimeSpan"/> as a Go duration that <see cref="Durations.TryParse"/> reads back exactly.</summary>
internal static class GoDurations
{
    /// <summary>E.g. <c>6s</c>, <c>1m30s</c>, <c>2h</c>, <c>500ms</c>, <c>1.5s</c>, <c>100ns</c>; <c>0s</c> for zero.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        var ticks = value.Ticks;
        if (ticks < 0)
        {
            sb.Append('-');
            if (ticks == long.MinValue)
            {
                return "-" + ((decimal)long.MaxValue + 1m).ToString(CultureInfo.InvariantCulture) + "00ns";
            }

            ticks = -ticks;
        }

        if (ticks < TimeSpan.TicksPerSecond)
        {
            return ticks % TimeSpan.TicksPerMillisecond == 0
                ? sb.Append(ticks / TimeSpan.TicksPerMillisecond).Append("ms").ToString()
                : sb.Append(ticks * 100).Append("ns").ToString();
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var rest = ticks % TimeSpan.TicksPerMinute;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        if (rest > 0)
        {
            var seconds = (decimal)rest / TimeSpan.TicksPerSecond;
            sb.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        }

        return sb.ToString();
    }
}
