using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Workflows.Definitions
{

    /// <summary>How a <c>retry_on</c> rule's <c>output</c> pattern is matched: over a bounded tail, with a match timeout.</summary>
    public static class RetryOutput
    {
        /// <summary>How much of an attempt's stdout and stderr the worker keeps for the rules: the last 64 Ki characters.</summary>
        public const int MaxTailChars = 64 * 1024;

        /// <summary>True when the task needs its attempts' output tail: an output rule, or a retry strategy.</summary>
        /// <param name="task">The task.</param>
        public static bool IsNeeded(TaskDefinition? task) =>
            task != null && (task.RetryStrategy is not null || task.RetryRules.Any(r => r.Output is not null));

        /// <summary>
        /// True when <paramref name="pattern"/> matches <paramref name="tail"/> within <see cref="WorkflowValidator.OutputMatchTimeout"/>.
        /// A match that times out, an invalid pattern or no output is no match (the rule does not apply).
        /// </summary>
        /// <param name="pattern">The rule's regular expression.</param>
        /// <param name="tail">The attempt's output tail.</param>
        public static bool Matches(string pattern, string? tail)
        {
            if (tail is null)
            {
                return false;
            }

            try
            {
                return Regex.IsMatch(tail, pattern, RegexOptions.CultureInvariant, WorkflowValidator.OutputMatchTimeout);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }
}
