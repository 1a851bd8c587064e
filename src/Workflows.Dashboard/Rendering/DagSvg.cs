using System.Globalization;
using System.Text;
using Workflows.Definitions;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Rendering;

/// <summary>
/// A job's task graph as SVG, laid out on the server in layers: each task sits one layer below the first task that
/// routes to it (breadth-first from the first task, so a route back up is drawn as a curve, not a new layer); tasks no
/// route reaches (cleanup tasks that always run) go in a last layer. Each task is coloured by its state; the routes
/// the run took are drawn solid, the others dashed.
/// </summary>
internal static class DagSvg
{
    private const int NodeWidth = 168;
    private const int NodeHeight = 44;
    private const int ColumnGap = 36;
    private const int RowGap = 64;
    private const int Margin = 16;

    /// <summary>One route: from a task to a task (or to an outcome no task has, e.g. an error code), with its label.</summary>
    public sealed record Edge(string From, string To, string Label);

    /// <summary>The routes of a definition, labelled as the YAML says them.</summary>
    public static IReadOnlyList<Edge> Edges(JobDefinition job)
    {
        var edges = new List<Edge>();
        foreach (var task in job.Tasks)
        {
            if (task.OnCompleted is { } completed)
            {
                edges.Add(new Edge(task.TaskType, completed, "completed"));
            }

            if (task.OnFailed is { } failed)
            {
                edges.Add(new Edge(task.TaskType, failed, "failed"));
            }

            if (task.OnExit is { } exit)
            {
                edges.Add(new Edge(task.TaskType, exit, "exit"));
            }

            foreach (var route in task.ExitCodes)
            {
                if (route.Action.Kind == ExitActionKind.GoToTask && route.Action.Value is { } target)
                {
                    edges.Add(new Edge(task.TaskType, target, "exit " + route.Code));
                }
            }
        }

        var names = job.Tasks.Select(t => t.TaskType).ToHashSet(StringComparer.Ordinal);
        return edges.Where(e => names.Contains(e.To)).ToList();
    }

    /// <summary>Each task's layer and position in it.</summary>
    public static IReadOnlyDictionary<string, (int Layer, int Index)> Layout(JobDefinition job, IReadOnlyList<Edge> edges)
    {
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        if (job.FirstTask is { } first)
        {
            var queue = new Queue<string>([first.TaskType]);
            layer[first.TaskType] = 0;
            while (queue.Count > 0)
            {
                var at = queue.Dequeue();
                foreach (var edge in edges.Where(e => e.From == at))
                {
                    if (layer.TryAdd(edge.To, layer[at] + 1))
                    {
                        queue.Enqueue(edge.To);
                    }
                }
            }
        }

        var last = layer.Count == 0 ? 0 : layer.Values.Max() + 1;
        foreach (var task in job.Tasks)
        {
            layer.TryAdd(task.TaskType, last);
        }

        var placed = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var group in job.Tasks.GroupBy(t => layer[t.TaskType]))
        {
            var i = 0;
            foreach (var task in group)
            {
                placed[task.TaskType] = (group.Key, i++);
            }
        }

        return placed;
    }

    /// <summary>The SVG. <paramref name="states"/> maps a task to its state word (absent: not reached).</summary>
    public static string Render(JobDefinition job, IReadOnlyDictionary<string, string> states, string? linkPrefix = null)
    {
        var edges = Edges(job);
        var place = Layout(job, edges);
        if (place.Count == 0)
        {
            return "<p class=\"muted\">The definition has no tasks.</p>";
        }

        var widest = place.Values.GroupBy(p => p.Layer).Max(g => g.Count());
        var layers = place.Values.Max(p => p.Layer) + 1;
        var width = (2 * Margin) + (widest * NodeWidth) + ((widest - 1) * ColumnGap);
        var height = (2 * Margin) + (layers * NodeHeight) + ((layers - 1) * RowGap);
        var counts = place.Values.GroupBy(p => p.Layer).ToDictionary(g => g.Key, g => g.Count());

        (double X, double Y) Center(string task)
        {
            var (l, i) = place[task];
            var rowWidth = (counts[l] * NodeWidth) + ((counts[l] - 1) * ColumnGap);
            var x0 = ((width - rowWidth) / 2.0) + (i * (NodeWidth + ColumnGap));
            return (x0 + (NodeWidth / 2.0), Margin + (l * (NodeHeight + RowGap)) + (NodeHeight / 2.0));
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"dag\" role=\"img\" aria-label=\"Task graph of {E(job.JobType)}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>");
        foreach (var edge in edges)
        {
            var (x1, y1) = Center(edge.From);
            var (x2, y2) = Center(edge.To);
            var taken = states.ContainsKey(edge.From) && states.ContainsKey(edge.To) && states[edge.To] != "ready";
            string path;
            if (place[edge.To].Layer > place[edge.From].Layer)
            {
                path = F($"M{x1},{y1 + (NodeHeight / 2.0)} C{x1},{y1 + (NodeHeight / 2.0) + (RowGap / 2.0)} {x2},{y2 - (NodeHeight / 2.0) - (RowGap / 2.0)} {x2},{y2 - (NodeHeight / 2.0)}");
            }
            else
            {
                // A route back up (or within a layer): a curve around the nodes' right side.
                var bend = Math.Max(x1, x2) + (NodeWidth / 2.0) + 24;
                path = F($"M{x1 + (NodeWidth / 2.0)},{y1} C{bend},{y1} {bend},{y2} {x2 + (NodeWidth / 2.0)},{y2}");
            }

            svg.Append("<g class=\"edge").Append(taken ? " taken" : string.Empty).Append("\" data-from=\"").Append(E(edge.From)).Append("\" data-to=\"").Append(E(edge.To)).Append("\">")
                .Append("<path d=\"").Append(path).Append("\" marker-end=\"url(#arrow)\"/>");
            var (lx, ly) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            svg.Append(F($"<text x=\"{lx + 4}\" y=\"{ly}\" class=\"edge-label\">")).Append(E(edge.Label)).Append("</text></g>");
        }

        foreach (var task in job.Tasks)
        {
            if (!place.ContainsKey(task.TaskType))
            {
                continue;
            }

            var (cx, cy) = Center(task.TaskType);
            var state = states.TryGetValue(task.TaskType, out var s) ? s : "not_reached";
            var open = linkPrefix is null ? string.Empty : $"<a href=\"{E(linkPrefix + U(task.TaskType))}\">";
            svg.Append(open).Append("<g class=\"node s-").Append(E(state)).Append("\" data-task=\"").Append(E(task.TaskType)).Append("\" data-state=\"").Append(E(state)).Append("\">")
                .Append("<title>").Append(E(task.TaskType)).Append(": ").Append(E(state)).Append("</title>")
                .Append(F($"<rect x=\"{cx - (NodeWidth / 2.0)}\" y=\"{cy - (NodeHeight / 2.0)}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"8\"/>"))
                .Append(F($"<text x=\"{cx}\" y=\"{cy - 3}\" class=\"name\">")).Append(E(Shorten(task.TaskType))).Append("</text>")
                .Append(F($"<text x=\"{cx}\" y=\"{cy + 13}\" class=\"state\">")).Append(E(state.Replace('_', ' '))).Append("</text></g>")
                .Append(linkPrefix is null ? string.Empty : "</a>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Shorten(string name) => name.Length <= 22 ? name : name[..21] + "…";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
