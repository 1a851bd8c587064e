using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>Finds the names closest to a misspelt one ("Did you mean 'third'?").</summary>
    public static class NameSuggester
    {
        /// <summary>Candidates within a small edit distance of <paramref name="name"/>, or that it begins (e.g. <c>RESTART</c> → <c>RESTART_JOB</c>), closest first.</summary>
        /// <param name="name">The name as written.</param>
        /// <param name="candidates">The names that exist.</param>
        public static EquatableArray<string> Suggest(string name, IEnumerable<string> candidates)
        {
            var limit = name.Length <= 3 ? 1 : Math.Max(2, name.Length / 3);
            return candidates
                .Where(c => !string.IsNullOrEmpty(c) && !string.Equals(c, name, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Select(c => (Name: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant()),
                    Prefix: name.Length >= 3 && (c.StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(c, StringComparison.OrdinalIgnoreCase))))
                .Where(c => c.Distance <= limit || c.Prefix)
                .OrderBy(c => c.Distance)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => c.Name)
                .ToEquatableArray();
        }

        /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
        /// <param name="a">First string.</param>
        /// <param name="b">Second string.</param>
        public static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
