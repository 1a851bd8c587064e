using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Workflows.Yaml;

/// <summary>Reads Go durations (<c>time.ParseDuration</c>): <c>6s</c>, <c>500ms</c>, <c>1m30s</c>, <c>2h</c>, <c>1.5s</c>.</summary>
/// <remarks>
/// The value is computed exactly in nanoseconds (decimal arithmetic, no floating point) and then truncated to
/// whole <see cref="TimeSpan"/> ticks (100 ns), the finest a <see cref="TimeSpan"/> holds.
/// </remarks>
public static class Durations
{
    /// <summary>The forms a duration may take, for error messages.</summary>
    public const string ValidForms = "a Go duration such as 500ms, 6s, 1.5s, 1m30s or 2h (units ns, us, ms, s, m, h)";

    private static readonly (string Unit, decimal Nanoseconds)[] Units =
    {
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m),
        ("s", 1_000_000_000m), ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    };

    /// <summary>Parses a Go duration; false when <paramref name="text"/> is not one or is out of range.</summary>
    /// <param name="text">The duration as written, e.g. <c>1m30s</c>; an optional sign; <c>0</c> alone is zero.</param>
    /// <param name="value">The duration read.</param>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text;
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        var total = 0m;
        var i = 0;
        try
        {
            while (i < s.Length)
            {
                if (!TryReadNumber(s, ref i, out var number) || !TryReadUnit(s, ref i, out var unit))
                {
                    return false;
                }

                total += number * unit;
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        var ticks = decimal.Truncate(total / 100m);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    private static bool TryReadNumber(string s, ref int i, out decimal number)
    {
        number = 0m;
        var start = i;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }

        var digits = s[start..i];

        // Go accepts "1.", ".5" and "1.5", but not "." or "1.2.3".
        if (digits.Length == 0 || digits == "." || digits.Count(c => c == '.') > 1)
        {
            return false;
        }

        return decimal.TryParse(digits.EndsWith('.') ? digits + "0" : digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);
    }

    private static bool TryReadUnit(string s, ref int i, out decimal nanoseconds)
    {
        var start = i;
        while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
        {
            i++;
        }

        var unit = s[start..i];
        foreach (var (name, ns) in Units)
        {
            if (string.Equals(name, unit, StringComparison.Ordinal))
            {
                nanoseconds = ns;
                return true;
            }
        }

        nanoseconds = 0m;
        return false;
    }
}
