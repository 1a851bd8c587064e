using System;
using System.Globalization;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// Reads a <c>cron_trigger</c> as formicary does (gorhill/cronexpr): 5 fields (minute hour day-of-month month
    /// day-of-week), 6 fields (the same + year: <c>0 0 * * * *</c> is daily at 00:00, not hourly) or 7 fields (second +
    /// the five + year), or a macro (<c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>,
    /// <c>@hourly</c>). The validator uses it to reject a malformed expression at compile time and at upload; the runtime
    /// reads <see cref="Standard"/> (5 fields, or 6 with seconds first) with its cron library.
    /// </summary>
    public sealed class CronText
    {
        private static readonly char[] Blanks = { ' ', '\t' };
        private static readonly string[] Macros = { "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly" };
        private static readonly string[] MonthNames = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
        private static readonly string[] DayNames = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

        private CronText(string standard, bool hasSeconds)
        {
            Standard = standard;
            HasSeconds = hasSeconds;
        }

        /// <summary>The expression without formicary's year field: 5 fields, or 6 with seconds first (or a macro).</summary>
        public string Standard { get; }

        /// <summary>True when the expression has a seconds field (formicary's 7-field form).</summary>
        public bool HasSeconds { get; }

        /// <summary>Reads an expression; null and a reason (naming the bad field and how to write it) when it is malformed.</summary>
        /// <param name="text">The <c>cron_trigger</c> text.</param>
        /// <param name="error">Why it is malformed, or null.</param>
        public static CronText? TryParse(string? text, out string? error)
        {
            error = null;
            var trimmed = (text ?? string.Empty).Trim();
            if (trimmed.Length == 0)
            {
                error = "it is empty";
                return null;
            }

            if (trimmed.StartsWith("@", StringComparison.Ordinal))
            {
                var macro = trimmed.ToLowerInvariant();
                if (Macros.Contains(macro))
                {
                    return new CronText(macro, false);
                }

                error = $"'{trimmed}' is not a macro; use one of {string.Join(", ", Macros)}";
                return null;
            }

            var fields = trimmed.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            string[] names;
            switch (fields.Length)
            {
                case 5: names = new[] { "minute", "hour", "day-of-month", "month", "day-of-week" }; break;
                case 6: names = new[] { "minute", "hour", "day-of-month", "month", "day-of-week", "year" }; break;
                case 7: names = new[] { "second", "minute", "hour", "day-of-month", "month", "day-of-week", "year" }; break;
                default:
                    error = $"it has {fields.Length} field{(fields.Length == 1 ? string.Empty : "s")}; write 5 (minute hour day-of-month month day-of-week), 6 (the same and a year) or 7 (a second first, then the six)";
                    return null;
            }

            for (var i = 0; i < fields.Length; i++)
            {
                var reason = CheckField(names[i], fields[i]);
                if (reason is not null)
                {
                    error = reason;
                    return null;
                }
            }

            var kept = fields.Length == 5 ? fields : fields.Take(fields.Length - 1).ToArray();
            return new CronText(string.Join(" ", kept), fields.Length == 7);
        }

        private static string? CheckField(string name, string field)
        {
            if (name == "year")
            {
                return field == "*" ? null : $"the year field is '{field}': only '*' is supported; drop the year (use 5 fields) or write '*'";
            }

            foreach (var item in field.Split(','))
            {
                if (!CheckItem(name, item))
                {
                    return $"the {name} field '{field}' is not valid at '{item}'; write {Allowed(name)}";
                }
            }

            return null;
        }

        private static bool CheckItem(string name, string item)
        {
            if (item.Length == 0)
            {
                return false;
            }

            var (min, max) = Range(name);
            if (name == "day-of-month" && (item == "L" || item == "LW" || item == "?" || (item.EndsWith("W", StringComparison.Ordinal) && Value(name, item.Substring(0, item.Length - 1)) is int w && w >= 1 && w <= 31)))
            {
                return true;
            }

            if (name == "day-of-week")
            {
                if (item == "?")
                {
                    return true;
                }

                var hash = item.IndexOf('#');
                if (hash > 0)
                {
                    return Value(name, item.Substring(0, hash)) is int d && d >= min && d <= max
                        && int.TryParse(item.Substring(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth >= 1 && nth <= 5;
                }

                if (item.Length > 1 && item.EndsWith("L", StringComparison.Ordinal))
                {
                    return Value(name, item.Substring(0, item.Length - 1)) is int d && d >= min && d <= max;
                }
            }

            var slash = item.IndexOf('/');
            var range = slash < 0 ? item : item.Substring(0, slash);
            if (slash >= 0 && !(int.TryParse(item.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step >= 1 && step <= max))
            {
                return false;
            }

            if (range == "*")
            {
                return true;
            }

            var dash = range.IndexOf('-');
            if (dash < 0)
            {
                return Value(name, range) is int v && v >= min && v <= max;
            }

            return Value(name, range.Substring(0, dash)) is int from && Value(name, range.Substring(dash + 1)) is int to
                && from >= min && from <= max && to >= min && to <= max;
        }

        private static int? Value(string name, string text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            var upper = text.ToUpperInvariant();
            var index = name == "month" ? Array.IndexOf(MonthNames, upper) + 1 : name == "day-of-week" ? Array.IndexOf(DayNames, upper) : -1;
            return index >= (name == "month" ? 1 : 0) ? index : (int?)null;
        }

        private static (int Min, int Max) Range(string name) => name switch
        {
            "second" or "minute" => (0, 59),
            "hour" => (0, 23),
            "day-of-month" => (1, 31),
            "month" => (1, 12),
            _ => (0, 7),
        };

        private static string Allowed(string name) => name switch
        {
            "second" or "minute" => "0-59, '*', a range 'a-b', a step '*/n' or a list 'a,b'",
            "hour" => "0-23, '*', a range 'a-b', a step '*/n' or a list 'a,b'",
            "day-of-month" => "1-31, '*', '?', 'L', 'nW', a range, a step or a list",
            "month" => "1-12 or JAN-DEC, '*', a range, a step or a list",
            _ => "0-7 or SUN-SAT, '*', '?', 'nL', 'n#k', a range, a step or a list",
        };
    }
}
