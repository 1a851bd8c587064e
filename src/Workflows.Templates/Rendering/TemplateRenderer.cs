using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace Workflows.Templates
{
    /// <summary>
    /// Renders the templates of a task for one attempt (script lines, URLs, headers, variables…), with the variables
    /// and functions of <see cref="TemplateVocabulary"/>. Templates are Scriban (the YAML loader translates Go templates
    /// to Scriban); thread-safe.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Variables come from a <see cref="TemplateScope"/>: typed as described there, plus the date variables.</item>
    /// <item>A missing variable renders as the empty string, and so does a member of it (<c>{{ Body.ref }}</c>).
    /// formicary prints <c>&lt;no value&gt;</c> for a missing key; Workflows renders nothing.</item>
    /// <item>Conditions (<c>if</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>) follow Go's truthiness, so translated templates
    /// take the same branch as in formicary: <c>false</c>, <c>0</c>, <c>""</c>, nothing and empty collections are false
    /// (Scriban alone treats <c>""</c> and <c>0</c> as true).</item>
    /// <item>formicary's functions keep their names and argument order (see the remarks of the functions);
    /// Scriban's built-in objects (<c>string.upcase</c>, <c>math.round</c>, <c>date</c>, <c>html.escape</c>…) stay
    /// available. A function wins over a variable of the same name, so request parameters cannot hide them.</item>
    /// <item><c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c> call the scope's
    /// <see cref="TemplateScope.Jobs"/>; without one they count 0 and submit nothing (return the empty string), as
    /// formicary does without a database.</item>
    /// <item>Loops stop with an error after <see cref="LoopLimit"/> iterations.</item>
    /// <item>The output is the rendered text as it is: nothing is stripped (formicary removes blank lines from a
    /// rendered task fragment; a single rendered value has none to remove).</item>
    /// </list>
    /// </remarks>
    public static class TemplateRenderer
    {
        /// <summary>The most iterations of one loop (and the most items <c>Iterate</c> returns).</summary>
        public const int LoopLimit = TemplateFunctions.MaxItems;

        /// <summary>
        /// The most characters one template renders to (1 Mi), and the longest text any step of it may build (a printf
        /// width, <c>string.pad_left</c>, a format precision…): past it the render fails with a
        /// <see cref="TemplateRenderException"/> naming the limit, never an unbounded allocation.
        /// </summary>
        public const int OutputLimit = TemplateFunctions.MaxTextLength;

        private const int CacheLimit = 1024;

        private static readonly string OutputLimitProblem =
            $"the text it renders, or builds on the way, passes the limit of {OutputLimit.ToString("N0", CultureInfo.InvariantCulture)} characters a template may render; render less, e.g. split it into several values";

        private static readonly ConcurrentDictionary<string, Template> Parsed = new ConcurrentDictionary<string, Template>(StringComparer.Ordinal);

        /// <summary>True when <paramref name="text"/> holds a template action (<c>{{</c>); cheap.</summary>
        /// <param name="text">Any text; null is not a template.</param>
        public static bool IsTemplate(string? text) => text is not null && text.IndexOf("{{", StringComparison.Ordinal) >= 0;

        /// <summary>Renders a template with the variables of one attempt; text without <c>{{</c> is returned as it is.</summary>
        /// <param name="template">The Scriban template, e.g. <c>exit {{ Random 0 3 }}</c>.</param>
        /// <param name="scope">The variables, clock reading and random source of the attempt.</param>
        /// <returns>The rendered text.</returns>
        /// <exception cref="TemplateRenderException">
        /// The template does not parse (with line and column), calls a function that does not exist, a function fails (e.g. <c>Random 3 3</c>), or a loop exceeds <see cref="LoopLimit"/>; the
        /// message names the template and the problem.
        /// </exception>
        public static string Render(string template, TemplateScope scope)
        {
            if (template is null)
            {
                throw new ArgumentNullException(nameof(template));
            }

            if (scope is null)
            {
                throw new ArgumentNullException(nameof(scope));
            }

            if (!IsTemplate(template))
            {
                return template;
            }

            var parsed = Parse(template);
            if (parsed.HasErrors)
            {
                var errors = parsed.Messages.Where(m => m.Type == ParserMessageType.Error).DefaultIfEmpty(parsed.Messages[0]);
                throw new TemplateRenderException(template, "it does not parse: " + string.Join("; ", errors.Select(m => At(m.Span) + m.Message)), null);
            }

            var context = new RenderContext(scope);
            try
            {
                return parsed.Render(context);
            }
            catch (ScriptRuntimeException e)
            {
                for (Exception? inner = e; inner is not null; inner = inner.InnerException)
                {
                    if (inner is TemplateRenderException problem)
                    {
                        throw new TemplateRenderException(template, At(e.Span) + problem.Problem, problem);
                    }
                }

                if (e.OriginalMessage.IndexOf("LimitToString", StringComparison.Ordinal) >= 0 || e.OriginalMessage.IndexOf("OutputLimit", StringComparison.Ordinal) >= 0)
                {
                    // Scriban names its own setting (one past ours); say what the limit is and what to do.
                    throw new TemplateRenderException(template, At(e.Span) + OutputLimitProblem, e);
                }

                throw new TemplateRenderException(template, At(e.Span) + e.OriginalMessage, e);
            }
            catch (TemplateRenderException e)
            {
                throw new TemplateRenderException(template, e.Problem ?? e.Message, e);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException or InvalidOperationException)
            {
                throw new TemplateRenderException(template, e.Message, e);
            }
        }

        private static string At(SourceSpan span) =>
            $"line {(span.Start.Line + 1).ToString(CultureInfo.InvariantCulture)}, column {(span.Start.Column + 1).ToString(CultureInfo.InvariantCulture)}: ";

        /// <summary>Parses once per distinct text (bounded: the cache is emptied when it is full).</summary>
        private static Template Parse(string text)
        {
            if (Parsed.TryGetValue(text, out var cached))
            {
                return cached;
            }

            var template = Template.Parse(text);
            if (Parsed.Count >= CacheLimit)
            {
                Parsed.Clear();
            }

            Parsed[text] = template;
            return template;
        }

        /// <summary>
        /// The context of one render: Scriban's built-ins, then one fresh object with the scope's variables and the
        /// functions (the functions win); Go's truthiness; lenient access to missing variables and their members.
        /// </summary>
        internal sealed class RenderContext : GoTemplateContext
        {
            public RenderContext(TemplateScope scope)
            {
                Scope = scope;
                StrictVariables = false;
                EnableRelaxedMemberAccess = true;
                EnableRelaxedTargetAccess = true;
                EnableRelaxedIndexerAccess = true;
                EnableNullIndexer = true;
                LoopLimit = TemplateRenderer.LoopLimit;
                RecursiveLimit = 64;

                // Fail the render, naming the limit, rather than run a silently truncated script. Scriban stops when a
                // string reaches its limit, so one more lets exactly OutputLimit characters through.
                LimitToString = TemplateRenderer.OutputLimit + 1;
                OutputLimit = TemplateRenderer.OutputLimit + 1;
                OnStringLimit = ScriptLimitBehavior.Throw;
                OnOutputLimit = ScriptLimitBehavior.Throw;
                NewLine = "\n";

                var globals = new Scriban.Runtime.ScriptObject();
                foreach (var variable in scope.Values)
                {
                    globals[variable.Key] = variable.Value;
                }

                foreach (var function in TemplateFunctions.All)
                {
                    globals[function.Key] = function.Value;
                }

                PushGlobal(globals);
            }

            /// <summary>The scope being rendered (for <c>Random</c>).</summary>
            public TemplateScope Scope { get; }

            /// <summary>A JSON variable renders as its JSON text; everything else as Scriban renders it.</summary>
            public override string? ObjectToString(object? value, bool nested = false) =>
                value is IJsonText json ? json.Json : base.ObjectToString(value, nested);
        }
    }
}
