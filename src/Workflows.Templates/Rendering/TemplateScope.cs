using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Scriban.Runtime;

namespace Workflows.Templates
{
    /// <summary>
    /// What the templates of one attempt see when <see cref="TemplateRenderer.Render"/> renders them: the variables, the
    /// clock reading behind the date variables, and the random source behind <c>Random</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The caller fills <see cref="Variables"/>: request parameters, job variables and task variables, plus
    /// <c>JobID</c>, <c>JobType</c>, <c>JobRetry</c>, <c>JobElapsedSecs</c>, <c>TaskType</c>, <c>TaskRetry</c> and
    /// <c>Nonce</c> (fresh per attempt). Values are strings, and templates see them typed, so that they compare and
    /// test as formicary's typed values do:
    /// </para>
    /// <list type="bullet">
    /// <item>an integer written canonically (<c>"5"</c>, <c>"-12"</c>; not <c>"007"</c> or <c>"+5"</c>) is a number:
    /// <c>{{ if JobElapsedSecs &lt; 3 }}</c> compares numerically, and <c>"0"</c> is false in a condition;</item>
    /// <item>a decimal written canonically (<c>"1.5"</c>; not <c>"1.50"</c> or <c>"1e3"</c>) is a floating-point number;</item>
    /// <item><c>"true"</c> and <c>"false"</c> are booleans, so <c>{{ if DryRun }}</c> with <c>DryRun = "false"</c> is false;</item>
    /// <item>a JSON object or array (how the YAML loader keeps a map or list variable, e.g.
    /// <c>{"host":"db","port":5432}</c>) can be navigated (<c>{{ Settings.host }}</c>, <c>{{ Settings["port"] }}</c>,
    /// <c>{{ for s in Shards }}</c>), and still renders as the JSON text it was given;</item>
    /// <item>anything else is a string (an empty string is false in a condition).</item>
    /// </list>
    /// <para>
    /// Only canonical forms are converted, so every value renders exactly as it was given (<c>"007"</c> stays
    /// <c>007</c>).
    /// </para>
    /// <para>
    /// The scope adds formicary's render-only variables, computed from <see cref="Now"/> in UTC: <c>DateYear</c>
    /// (2024), <c>DateMonth</c> (the month's English name, <c>July</c>), <c>DateDay</c>, <c>YearDay</c>,
    /// <c>FullDate</c> (<c>yyyy-MM-dd</c>), <c>EpochSecs</c> (Unix seconds) and <c>UnescapeHTML</c> (true). A variable
    /// of the same name in <see cref="Variables"/> wins over them.
    /// </para>
    /// </remarks>
    public sealed class TemplateScope
    {
        private readonly KeyValuePair<string, object>[] _values;

        /// <summary>Creates the scope of one attempt.</summary>
        /// <param name="variables">
        /// Parameters, job and task variables, and <c>JobID</c>, <c>JobType</c>, <c>JobRetry</c>, <c>JobElapsedSecs</c>,
        /// <c>TaskType</c>, <c>TaskRetry</c>, <c>Nonce</c>. Copied: later changes to the dictionary are not seen.
        /// </param>
        /// <param name="now">The time of the attempt, for the date variables (converted to UTC).</param>
        /// <param name="random">The source of <c>Random</c>; seed it to make renders repeatable. Draws are serialised on it.</param>
        public TemplateScope(IReadOnlyDictionary<string, string> variables, DateTimeOffset now, Random random)
            : this(variables, now, random, null)
        {
        }

        /// <summary>Creates the scope of one attempt whose templates may read and submit jobs.</summary>
        /// <param name="variables">As in <see cref="TemplateScope(IReadOnlyDictionary{string, string}, DateTimeOffset, Random)"/>.</param>
        /// <param name="now">The time of the attempt, for the date variables (converted to UTC).</param>
        /// <param name="random">The source of <c>Random</c>.</param>
        /// <param name="jobs">What <c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c> call; null: they count 0 and submit nothing.</param>
        public TemplateScope(IReadOnlyDictionary<string, string> variables, DateTimeOffset now, Random random, ITemplateJobs? jobs)
        {
            Jobs = jobs;
            if (variables is null)
            {
                throw new ArgumentNullException(nameof(variables));
            }

            Random = random ?? throw new ArgumentNullException(nameof(random));
            Now = now;
            var copy = new Dictionary<string, string>(variables.Count, StringComparer.Ordinal);
            foreach (var variable in variables)
            {
                copy[variable.Key] = variable.Value ?? string.Empty;
            }

            Variables = copy;

            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var extra in DateVariables(now))
            {
                values[extra.Key] = extra.Value;
            }

            foreach (var variable in copy)
            {
                values[variable.Key] = Typed(variable.Value);
            }

            _values = new KeyValuePair<string, object>[values.Count];
            ((ICollection<KeyValuePair<string, object>>)values).CopyTo(_values, 0);
        }

        /// <summary>The variables as given (strings), without the date variables.</summary>
        public IReadOnlyDictionary<string, string> Variables { get; }

        /// <summary>The time of the attempt.</summary>
        public DateTimeOffset Now { get; }

        /// <summary>The source of <c>Random</c>.</summary>
        public Random Random { get; }

        /// <summary>The job store of <c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c>; null where templates render without one.</summary>
        public ITemplateJobs? Jobs { get; }

        /// <summary>The variables as templates see them (typed) and the date variables.</summary>
        internal IReadOnlyList<KeyValuePair<string, object>> Values => _values;

        /// <summary>
        /// A variable's value as templates see it: a canonical integer as <see cref="long"/>, a canonical decimal as
        /// <see cref="double"/>, <c>true</c>/<c>false</c> as <see cref="bool"/>, anything else as the string.
        /// </summary>
        /// <param name="value">The value as given.</param>
        internal static object Typed(string value)
        {
            if (value.Length > 1 && (value[0] == '{' || value[0] == '['))
            {
                return Json(value) ?? value;
            }

            if (value.Length == 0 || value.Length > 32)
            {
                return value;
            }

            switch (value)
            {
                case "true":
                    return true;
                case "false":
                    return false;
            }

            var first = value[0];
            if (first != '-' && (first < '0' || first > '9'))
            {
                return value;
            }

            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return integer.ToString(CultureInfo.InvariantCulture) == value ? integer : (object)value;
            }

            if (value.IndexOf('.') > 0
                && double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var real)
                && real.ToString("R", CultureInfo.InvariantCulture) == value)
            {
                return real;
            }

            return value;
        }

        /// <summary>A JSON object or array as a read-only Scriban object or array that renders as <paramref name="text"/>; null when it is not JSON.</summary>
        private static object? Json(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                return Value(document.RootElement, text);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static object? Value(JsonElement element, string? text = null)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                {
                    var json = new JsonObject(text ?? element.GetRawText());
                    foreach (var member in element.EnumerateObject())
                    {
                        json[member.Name] = Value(member.Value);
                    }

                    json.IsReadOnly = true;
                    return json;
                }

                case JsonValueKind.Array:
                {
                    var json = new JsonArray(text ?? element.GetRawText());
                    foreach (var item in element.EnumerateArray())
                    {
                        json.Add(Value(item));
                    }

                    json.IsReadOnly = true;
                    return json;
                }

                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    return element.TryGetInt64(out var integer) ? integer : (object)element.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        private static IEnumerable<KeyValuePair<string, object>> DateVariables(DateTimeOffset now)
        {
            var utc = now.ToUniversalTime();
            yield return new KeyValuePair<string, object>("DateYear", (long)utc.Year);
            yield return new KeyValuePair<string, object>("DateMonth", CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(utc.Month));
            yield return new KeyValuePair<string, object>("DateDay", (long)utc.Day);
            yield return new KeyValuePair<string, object>("YearDay", (long)utc.DayOfYear);
            yield return new KeyValuePair<string, object>("FullDate", utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            yield return new KeyValuePair<string, object>("EpochSecs", utc.ToUnixTimeSeconds());
            yield return new KeyValuePair<string, object>("UnescapeHTML", true);
        }
    }

    /// <summary>A value that came from JSON text and renders as that text.</summary>
    internal interface IJsonText
    {
        /// <summary>The JSON text, as given.</summary>
        string Json { get; }
    }

    /// <summary>A JSON object variable: navigable, read-only, rendered as its JSON text.</summary>
    internal sealed class JsonObject : ScriptObject, IJsonText
    {
        public JsonObject(string json)
        {
            Json = json;
        }

        public string Json { get; }
    }

    /// <summary>A JSON array variable: navigable, read-only, rendered as its JSON text.</summary>
    internal sealed class JsonArray : ScriptArray, IJsonText
    {
        public JsonArray(string json)
        {
            Json = json;
        }

        public string Json { get; }
    }
}
