using System;
using System.Collections.Generic;
using System.Linq;
using Scriban;
using Scriban.Syntax;
using Workflows.Definitions;

namespace Workflows.Templates
{
    /// <summary>
    /// Parses every templated string of a definition (script lines, URLs, environment and variable values, headers,
    /// <c>except</c>, <c>skip_if</c>) with Scriban and reports syntax errors (WF3001), unknown variables (WF3002),
    /// unknown functions (WF3003) and request params rendered unquoted into SHELL or container script lines (WF3004),
    /// naming the task and the template.
    /// </summary>
    public static class TemplateChecker
    {
        /// <summary>Every template problem of the definition.</summary>
        /// <param name="job">The definition.</param>
        public static IReadOnlyList<Problem> Check(JobDefinition job)
        {
            var problems = new List<Problem>();
            // A trigger's params are request params the definition declares: the event's sender chooses their values.
            var triggerParams = job.Triggers.SelectMany(t => t.Params).Select(p => p.Name).ToList();
            var jobNames = new HashSet<string>(job.JobVariables.Select(v => v.Name).Concat(job.RequiredParams).Concat(triggerParams).Concat(TaskOutputs.DeclaredBy(job)), StringComparer.Ordinal);
            if (!string.IsNullOrWhiteSpace(job.CronTrigger))
            {
                // Every job of a schedule gets its instant as this param (docs/schedules.md).
                jobNames.Add("ScheduledAt");
            }

            // Request params the definition declares: an undeclared name is WF3002 first (declaring it is the fix), then this.
            var requestParams = new HashSet<string>(job.RequiredParams.Concat(triggerParams), StringComparer.Ordinal);
            if (job.SkipIf is { } skipIf)
            {
                Check(problems, $"Job '{job.JobType}'", DefinitionPointer.Job("skip_if"), "skip_if", skipIf, jobNames, job);
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var names = new HashSet<string>(jobNames.Concat(task.Variables.Select(v => v.Name)), StringComparer.Ordinal);
                if (task.FanOut is { } fanOut)
                {
                    names.Add(fanOut.ItemVariable); // each fanned-out run sees its element under this name
                }

                var subject = $"Task '{task.TaskType}'";
                foreach (var (key, item, text) in Templated(task))
                {
                    Check(problems, subject, new DefinitionPointer(task.TaskType, key, item, i), key, text, names, job);
                }

                if (task.EffectiveMethod is TaskMethod.Shell or TaskMethod.Docker or TaskMethod.Kubernetes && requestParams.Count > 0)
                {
                    // Job variables win over request params of the same name; task variables and the fan-out item too.
                    var set = new HashSet<string>(requestParams.Except(job.JobVariables.Select(v => v.Name).Concat(task.Variables.Select(v => v.Name))), StringComparer.Ordinal);
                    if (task.FanOut is { } items)
                    {
                        set.Remove(items.ItemVariable);
                    }

                    foreach (var (key, lines) in new[] { ("before_script", task.BeforeScript), ("script", task.Script), ("after_script", task.AfterScript) })
                    {
                        foreach (var line in lines)
                        {
                            CheckQuoting(problems, subject, new DefinitionPointer(task.TaskType, key, line, i), key, line, set);
                        }
                    }
                }
            }

            return problems;
        }

        private static IEnumerable<(string Key, string? Item, string Text)> Templated(TaskDefinition task)
        {
            foreach (var (key, lines) in new[] { ("before_script", task.BeforeScript), ("script", task.Script), ("after_script", task.AfterScript) })
            {
                foreach (var line in lines)
                {
                    yield return (key, line, line);
                }
            }

            foreach (var (key, values) in new[] { ("environment", task.Environment), ("variables", task.Variables), ("headers", task.Headers), ("query", task.Query) })
            {
                foreach (var value in values)
                {
                    yield return (key, value.Name, value.Value);
                }
            }

            if (task.Url is { } url)
            {
                yield return ("url", null, url);
            }

            if (task.Except is { } except)
            {
                yield return ("except", null, except);
            }
        }

        private static void Check(List<Problem> problems, string subject, DefinitionPointer at, string key, string text, HashSet<string> declared, JobDefinition job)
        {
            if (text.IndexOf("{{", StringComparison.Ordinal) < 0)
            {
                return;
            }

            var (error, names) = Parse(text);
            if (error is not null)
            {
                problems.Add(WorkflowDiagnostics.TemplateSyntax.Create(at, subject, key, text, error));
                return;
            }

            foreach (var function in names.Calls.Where(f => !TemplateVocabulary.Functions.Contains(f) && !declared.Contains(f) && !names.Assigned.Contains(f)).Distinct())
            {
                var suggestions = NameSuggester.Suggest(function, TemplateVocabulary.Functions);
                problems.Add(WorkflowDiagnostics.UnknownTemplateFunction.CreateWithSuggestions(at, suggestions, subject, key, function, Hint(suggestions)));
            }

            foreach (var variable in names.Reads.Where(v => !Known(v, declared, names) && !TaskOutputs.IsFanOutItemOutput(job, v) && !TaskOutputs.IsArtifactUrlOutput(job, v)).Distinct())
            {
                var suggestions = NameSuggester.Suggest(variable, TemplateVocabulary.Variables.Concat(declared));
                problems.Add(WorkflowDiagnostics.UnknownTemplateVariable.CreateWithSuggestions(at, suggestions, subject, key, variable, Hint(suggestions)));
            }
        }

        /// <summary>WF3004: request params read into the script's text, unless a shell-safe function wraps them.</summary>
        private static void CheckQuoting(List<Problem> problems, string subject, DefinitionPointer at, string key, string text, HashSet<string> requestParams)
        {
            if (text.IndexOf("{{", StringComparison.Ordinal) < 0)
            {
                return;
            }

            var (error, names) = Parse(text);
            if (error is not null)
            {
                return;
            }

            foreach (var name in names.Unquoted.Where(n => requestParams.Contains(n) && !TemplateVocabulary.Variables.Contains(n) && !names.Assigned.Contains(n)).Distinct())
            {
                problems.Add(WorkflowDiagnostics.UnquotedParamInScript.Create(at, subject, key, name));
            }
        }

        /// <summary>
        /// Parses a template once: the same lines recur across tasks and workflows, and the analyzer runs on every
        /// keystroke, so results are memoised (bounded; cleared when full).
        /// </summary>
        private static (string? Error, NameCollector Names) Parse(string text)
        {
            if (ParseCache.TryGetValue(text, out var cached))
            {
                return cached;
            }

            var template = Template.Parse(text);
            var names = new NameCollector();
            var unclosed = template.HasErrors ? null : Unclosed(text);
            var result = template.HasErrors
                ? (string.Join("; ", template.Messages.Select(m => m.Message)), names)
                : (unclosed, names);
            if (!template.HasErrors && unclosed is null)
            {
                names.Visit(template.Page);
            }

            if (ParseCache.Count > 4096)
            {
                ParseCache.Clear();
            }

            ParseCache[text] = result;
            return result;
        }

        /// <summary>
        /// A <c>{{</c> never closed by <c>}}</c>: Scriban lets the end of the text close a code block, so
        /// <c>exit {{ Random 0 3 </c> parses, yet it is a typo the YAML side (Go templates) rejects; both report WF3001.
        /// </summary>
        private static string? Unclosed(string text)
        {
            Scriban.Parsing.TextPosition? open = null;
            foreach (var token in new Scriban.Parsing.Lexer(text))
            {
                if (token.Type == Scriban.Parsing.TokenType.CodeEnter)
                {
                    open = token.Start;
                }
                else if (token.Type == Scriban.Parsing.TokenType.CodeExit)
                {
                    open = null;
                }
            }

            return open is { } at
                ? $"the '{{{{' at column {at.Column + 1} has no closing '}}}}': '{text.Substring(at.Offset)}'"
                : null;
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string?, NameCollector)> ParseCache =
            new System.Collections.Concurrent.ConcurrentDictionary<string, (string?, NameCollector)>(StringComparer.Ordinal);

        private static bool Known(string name, HashSet<string> declared, NameCollector names) =>
            TemplateVocabulary.Variables.Contains(name) || TemplateVocabulary.Functions.Contains(name) || TemplateVocabulary.BuiltinObjects.Contains(name)
            || declared.Contains(name) || names.Assigned.Contains(name) || names.Calls.Contains(name);

        private static string Hint(EquatableArray<string> suggestions) =>
            suggestions.IsEmpty ? string.Empty : " Did you mean " + string.Join(" or ", suggestions.Select(s => "'" + s + "'")) + "?";

        /// <summary>Collects the global names a template reads, calls and assigns (loop variables count as assigned).</summary>
        private sealed class NameCollector : ScriptVisitor
        {
            public List<string> Reads { get; } = new List<string>();

            public HashSet<string> Calls { get; } = new HashSet<string>(StringComparer.Ordinal);

            public HashSet<string> Assigned { get; } = new HashSet<string>(StringComparer.Ordinal);

            /// <summary>Names read into the rendered text (an output statement), not through a shell-safe function.</summary>
            public List<string> Unquoted { get; } = new List<string>();

            private static bool IsRenderedUnquoted(ScriptNode node)
            {
                var child = node;
                for (var parent = node.Parent; parent is not null; child = parent, parent = parent.Parent)
                {
                    switch (parent)
                    {
                        case ScriptFunctionCall call when call.Target is ScriptVariableGlobal f && TemplateVocabulary.ShellSafeFunctions.Contains(f.Name) && !ReferenceEquals(call.Target, child):
                            return false;
                        case ScriptPipeCall pipe when ReferenceEquals(pipe.From, child) && IsShellSafe(pipe.To):
                            return false;
                        case ScriptExpressionStatement statement:
                            return !(statement.Expression is ScriptAssignExpression);
                        case ScriptStatement _:
                            return false; // a condition, loop source or other statement part: not written into the text
                    }
                }

                return false;
            }

            private static bool IsShellSafe(ScriptExpression? to) =>
                (to is ScriptVariableGlobal f && TemplateVocabulary.ShellSafeFunctions.Contains(f.Name))
                || (to is ScriptFunctionCall call && call.Target is ScriptVariableGlobal g && TemplateVocabulary.ShellSafeFunctions.Contains(g.Name))
                || (to is ScriptPipeCall pipe && (IsShellSafe(pipe.From) || IsShellSafe(pipe.To)));

            public override void Visit(ScriptVariableGlobal node)
            {
                switch (node.Parent)
                {
                    case ScriptMemberExpression member when ReferenceEquals(member.Member, node):
                        break;
                    case ScriptFunctionCall call when ReferenceEquals(call.Target, node):
                        Calls.Add(node.Name);
                        break;
                    case ScriptForStatement loop when ReferenceEquals(loop.Variable, node):
                        Assigned.Add(node.Name);
                        break;
                    case ScriptAssignExpression assign when ReferenceEquals(assign.Target, node):
                        Assigned.Add(node.Name);
                        break;
                    default:
                        Reads.Add(node.Name);
                        if (IsRenderedUnquoted(node))
                        {
                            Unquoted.Add(node.Name);
                        }

                        break;
                }

                base.Visit(node);
            }
        }
    }
}
