using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        /// <summary>A routing edge: from a task, to a task name, through a key (and item).</summary>
        private readonly struct Edge
        {
            public Edge(int from, string target, string key, string? item)
            {
                From = from;
                Target = target;
                Key = key;
                Item = item;
            }

            public int From { get; }

            public string Target { get; }

            public string Key { get; }

            public string? Item { get; }

            public string Via => Item is null ? Key : $"{Key} {Item}";
        }

        private static IEnumerable<Edge> RoutingEdges(JobDefinition job)
        {
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                if (task.OnCompleted is not null)
                {
                    yield return new Edge(i, task.OnCompleted, "on_completed", null);
                }

                if (task.OnFailed is not null)
                {
                    yield return new Edge(i, task.OnFailed, "on_failed", null);
                }

                if (task.OnExit is not null)
                {
                    yield return new Edge(i, task.OnExit, "on_exit", null);
                }

                foreach (var route in task.ExitCodes)
                {
                    if (route.Action.Kind == ExitActionKind.GoToTask && route.Action.Value is not null)
                    {
                        yield return new Edge(i, route.Action.Value, "on_exit_code", route.Code);
                    }
                }
            }
        }

        private static void CheckRoutes(JobDefinition job, List<Problem> problems)
        {
            if (job.Tasks.IsEmpty)
            {
                return;
            }

            var names = job.Tasks.Select(t => t.TaskType).Where(n => !string.IsNullOrEmpty(n)).ToList();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                if (!index.ContainsKey(job.Tasks[i].TaskType))
                {
                    index[job.Tasks[i].TaskType] = i;
                }
            }

            var edges = RoutingEdges(job).ToList();
            foreach (var edge in edges.Where(e => !index.ContainsKey(e.Target)))
            {
                var task = job.Tasks[edge.From];
                var at = At(task, edge.From, edge.Key, edge.Item ?? edge.Target);
                if (edge.Key == "on_exit_code" && LooksLikeActionWord(edge.Target))
                {
                    var words = NameSuggester.Suggest(edge.Target, ExitAction.ReservedWords);
                    problems.Add(WorkflowDiagnostics.UnknownAction.CreateWithSuggestions(at, words, task.TaskType, edge.Item, edge.Target, DidYouMean(words)));
                }
                else
                {
                    problems.Add(UnknownTask(task, at, edge.Target, edge.Via, names));
                }
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                foreach (var dependency in task.Dependencies.Where(d => !index.ContainsKey(d)))
                {
                    problems.Add(UnknownTask(task, At(task, i, "dependencies", dependency), dependency, "dependencies", names));
                }

                foreach (var awaited in task.AwaitForkedTasks.Where(d => !index.ContainsKey(d)))
                {
                    problems.Add(UnknownTask(task, At(task, i, "await_forked_tasks", awaited), awaited, "await_forked_tasks", names));
                }
            }

            var known = edges.Where(e => index.ContainsKey(e.Target)).ToList();
            CheckCycles(job, known, index, problems);

            // A misspelt route most likely meant its closest task: count that task as reached, so one typo is one problem.
            var meant = edges.Where(e => !index.ContainsKey(e.Target))
                .Select(e => (Edge: e, Suggestions: NameSuggester.Suggest(e.Target, names)))
                .Where(e => !e.Suggestions.IsEmpty)
                .Select(e => new Edge(e.Edge.From, e.Suggestions[0], e.Edge.Key, e.Edge.Item));
            CheckReachability(job, known.Concat(meant).ToList(), index, problems);
        }

        private static Problem UnknownTask(TaskDefinition task, DefinitionPointer at, string target, string via, IReadOnlyList<string> names)
        {
            var suggestions = NameSuggester.Suggest(target, names);
            var hint = suggestions.IsEmpty
                ? $" Known tasks: {string.Join(", ", names.Select(n => "'" + n + "'"))}."
                : DidYouMean(suggestions);
            return WorkflowDiagnostics.UnknownTask.CreateWithSuggestions(at, suggestions, task.TaskType, target, via, hint);
        }

        private static string DidYouMean(EquatableArray<string> suggestions) => suggestions.IsEmpty
            ? string.Empty
            : " Did you mean " + string.Join(" or ", suggestions.Select(s => "'" + s + "'")) + "?";

        /// <summary>An upper-case word (like <c>RESTART</c>) or a reserved word in the wrong case reads as a misspelt action, not a task.</summary>
        private static bool LooksLikeActionWord(string target) =>
            ExitAction.ReservedWords.Any(w => string.Equals(w, target, StringComparison.OrdinalIgnoreCase))
            || (target.Length > 0 && target.All(c => (c >= 'A' && c <= 'Z') || c == '_') && target.Any(c => c != '_'));

        private static void CheckCycles(JobDefinition job, List<Edge> edges, Dictionary<string, int> index, List<Problem> problems)
        {
            var outgoing = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.ToList());
            var state = new int[job.Tasks.Count]; // 0 = unvisited, 1 = on the current path, 2 = done
            var path = new List<int>();
            var reported = new HashSet<string>(StringComparer.Ordinal);

            void Visit(int node)
            {
                state[node] = 1;
                path.Add(node);
                if (outgoing.TryGetValue(node, out var outs))
                {
                    foreach (var edge in outs)
                    {
                        var to = index[edge.Target];
                        if (state[to] == 1)
                        {
                            var loop = path.Skip(path.IndexOf(to)).Select(n => job.Tasks[n].TaskType).ToList();
                            var key = string.Join(">", loop.OrderBy(n => n, StringComparer.Ordinal));
                            if (reported.Add(key))
                            {
                                var task = job.Tasks[node];
                                var described = string.Join(" → ", loop.Concat(new[] { job.Tasks[to].TaskType }));
                                problems.Add(WorkflowDiagnostics.Cycle.Create(At(task, node, edge.Key, edge.Item ?? edge.Target), task.TaskType, edge.Target, edge.Via, described));
                            }
                        }
                        else if (state[to] == 0)
                        {
                            Visit(to);
                        }
                    }
                }

                path.RemoveAt(path.Count - 1);
                state[node] = 2;
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                if (state[i] == 0)
                {
                    Visit(i);
                }
            }
        }

        private static void CheckReachability(JobDefinition job, List<Edge> edges, Dictionary<string, int> index, List<Problem> problems)
        {
            var reached = new bool[job.Tasks.Count];
            var queue = new Queue<int>();
            reached[0] = true;
            queue.Enqueue(0);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                foreach (var edge in edges.Where(e => e.From == node))
                {
                    var to = index[edge.Target];
                    if (!reached[to])
                    {
                        reached[to] = true;
                        queue.Enqueue(to);
                    }
                }
            }

            var first = job.Tasks[0].TaskType;
            for (var i = 1; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];

                // always_run tasks are reached by the end of a failed or cancelled path, not by a route;
                // a nameless or duplicate task already has its own problem.
                if (reached[i] || task.AlwaysRun || string.IsNullOrWhiteSpace(task.TaskType) || index[task.TaskType] != i)
                {
                    continue;
                }

                problems.Add(WorkflowDiagnostics.UnreachableTask.Create(At(task, i, "task_type"), task.TaskType, first));

                // Report only the entry of an unreachable island: the tasks it leads to follow from the same fix.
                Mark(i);
            }

            void Mark(int node)
            {
                reached[node] = true;
                foreach (var edge in edges.Where(e => e.From == node))
                {
                    var to = index[edge.Target];
                    if (!reached[to])
                    {
                        Mark(to);
                    }
                }
            }
        }
    }
}
