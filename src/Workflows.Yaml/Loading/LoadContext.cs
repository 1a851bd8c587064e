using System.Globalization;
using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>The state of one load: the problems found so far and the keys whose value could not be read.</summary>
internal sealed partial class LoadContext
{
    public LoadContext(string? path)
    {
        Path = path;
    }

    public string? Path { get; }

    /// <summary>The lines of the text the YAML parser read (after template preparation), for values to be read as written.</summary>
    public IReadOnlyList<string> SourceLines { get; init; } = Array.Empty<string>();

    public List<LocatedProblem> Problems { get; } = new();

    /// <summary>(task index or -1, top-level key) of every value that could not be read: validator problems there are follow-ons.</summary>
    public HashSet<(int TaskIndex, string Key)> Unreadable { get; } = new();

    public void Report(ProblemDescriptor rule, Scope scope, string key, int line, int column, params object?[] args)
    {
        var problem = rule.Create(scope.Pointer(key), args);
        Problems.Add(new LocatedProblem(problem, Path, line, column));
        if (problem.IsError)
        {
            Unreadable.Add((scope.TaskIndex, scope.TopKey(key)));
        }
    }

    public void Report(ProblemDescriptor rule, Scope scope, string key, YamlNode at, params object?[] args) =>
        Report(rule, scope, key, at.Line, at.Column, args);

    public void WrongType(Scope scope, string key, YamlNode node, string expected, string example) =>
        Report(WorkflowDiagnostics.WrongValueType, scope, key, node, scope.Subject, scope.Display(key), node.Describe(), expected, example);

    /// <summary>
    /// The entries of a mapping with a known key, first occurrence only. Reports keys that are not text (WF4003),
    /// repeated keys (WF4007) and unknown keys (WF4002, with the nearest known key). A null <paramref name="known"/>
    /// accepts any key (environment, variables).
    /// </summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, Scope scope, IReadOnlyCollection<string>? known)
    {
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Entries)
        {
            if (keyNode is not YamlScalarNode { IsNull: false } scalar)
            {
                WrongType(scope, "(key)", keyNode, "a key name", "'name: value'");
                continue;
            }

            var key = scalar.Value;
            if (seen.TryGetValue(key, out var first))
            {
                Report(WorkflowDiagnostics.DuplicateKey, scope, key, scalar, scope.Subject, scope.Display(key), first.Line);
                continue;
            }

            seen[key] = scalar;
            if (known is not null && !known.Contains(key))
            {
                UnknownKey(scope, key, scalar, known, hint: null);
                continue;
            }

            yield return (key, scalar, value);
        }
    }

    public void UnknownKey(Scope scope, string key, YamlNode at, IEnumerable<string> known, string? hint)
    {
        var suggestions = NameSuggester.Suggest(key, known);
        if (suggestions.IsEmpty && KnownKeys.Aliases.TryGetValue(key, out var meant) && known.Contains(meant))
        {
            suggestions = EquatableArray.Create(meant);
        }

        var text = hint ?? (suggestions.IsEmpty
            ? " Remove it if it is not a typo."
            : " Did you mean " + string.Join(" or ", suggestions.Select(s => "'" + s + "'")) + "?");
        var problem = WorkflowDiagnostics.UnknownKey.CreateWithSuggestions(scope.Pointer(key), suggestions, scope.Subject, scope.Display(key), text);
        Problems.Add(new LocatedProblem(problem, Path, at.Line, at.Column));
    }

    /// <summary>The mapping under a key; null (and WF4003 unless it is empty) when it is something else.</summary>
    public YamlMappingNode? Mapping(YamlNode node, Scope scope, string key, string example)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        if (node is not YamlScalarNode { IsNull: true })
        {
            WrongType(scope, key, node, "a mapping", example);
        }

        return null;
    }

    /// <summary>The list under a key; null (and WF4003 unless it is empty) when it is something else.</summary>
    public YamlSequenceNode? Sequence(YamlNode node, Scope scope, string key, string example)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        if (node is not YamlScalarNode { IsNull: true })
        {
            WrongType(scope, key, node, "a list", example);
        }

        return null;
    }

    /// <summary>Text, with Go templates translated to Scriban; null when empty. A mapping or list is WF4003.</summary>
    public string? String(YamlNode node, Scope scope, string key)
    {
        if (node is not YamlScalarNode scalar)
        {
            WrongType(scope, key, node, "text", $"'{key}: some text'");
            return null;
        }

        return scalar.IsNull ? null : Translate(scalar, scope, key);
    }

    /// <summary>
    /// The text of a scalar with its Go templates translated; the text as written when they cannot be: WF3001 when the
    /// template does not parse (as the C# side reports a Scriban template that does not parse), WF4006 when a valid Go
    /// construct has no Scriban translation.
    /// </summary>
    public string Translate(YamlScalarNode scalar, Scope scope, string key)
    {
        if (!GoTemplateTranslator.ContainsTemplate(scalar.Value))
        {
            return scalar.Value;
        }

        var translation = GoTemplateTranslator.Translate(scalar.Value);
        foreach (var error in translation.Errors)
        {
            // Point into the value when it is written plain on one line, so the column is the construct's own.
            var firstLine = scalar.Value.IndexOf('\n', StringComparison.Ordinal);
            var inLine = scalar.IsPlain && (firstLine < 0 || error.Offset < firstLine);
            var column = scalar.Column + (inLine ? error.Offset : 0);
            if (error.IsSyntaxError)
            {
                var reason = error.Construct == scalar.Value ? error.Reason : $"{error.Reason}: '{error.Construct}'";
                Report(WorkflowDiagnostics.TemplateSyntax, scope, key, scalar.Line, column, scope.Subject, scope.Display(key), scalar.Value, reason);
            }
            else
            {
                Report(WorkflowDiagnostics.UntranslatableTemplate, scope, key, scalar.Line, column, scope.Subject, scope.Display(key), error.ToString());
            }
        }

        return translation.Scriban ?? scalar.Value;
    }

    /// <summary>A scalar that is not a template; null (with WF4003 or WF4006) otherwise, or when empty.</summary>
    private YamlScalarNode? FixedScalar(YamlNode node, Scope scope, string key, string expected, string example)
    {
        if (node is not YamlScalarNode scalar)
        {
            WrongType(scope, key, node, expected, example);
            return null;
        }

        if (scalar.IsNull)
        {
            return null;
        }

        if (GoTemplateTranslator.ContainsTemplate(scalar.Value))
        {
            Report(WorkflowDiagnostics.UntranslatableTemplate, scope, key, scalar, scope.Subject, scope.Display(key),
                $"a template where {expected} is expected; the definition holds a fixed value here ('{scalar.Value}')");
            return null;
        }

        return scalar;
    }

    public int? Int(YamlNode node, Scope scope, string key)
    {
        const string Expected = "a whole number";
        var scalar = FixedScalar(node, scope, key, Expected, $"'{key}: 2'");
        if (scalar is null)
        {
            return null;
        }

        if (int.TryParse(scalar.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        WrongType(scope, key, scalar, Expected, $"'{key}: 2'");
        return null;
    }

    public double? Double(YamlNode node, Scope scope, string key)
    {
        const string Expected = "a number";
        var scalar = FixedScalar(node, scope, key, Expected, $"'{key}: 1.5'");
        if (scalar is null)
        {
            return null;
        }

        if (double.TryParse(scalar.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        WrongType(scope, key, scalar, Expected, $"'{key}: 1.5'");
        return null;
    }

    public bool? Bool(YamlNode node, Scope scope, string key)
    {
        const string Expected = "true or false";
        var scalar = FixedScalar(node, scope, key, Expected, $"'{key}: true'");
        if (scalar is null)
        {
            return null;
        }

        switch (scalar.Value.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
        }

        WrongType(scope, key, scalar, Expected, $"'{key}: true'");
        return null;
    }

    /// <summary>
    /// <c>linear_wait</c> and <c>exponential_wait</c> (Procrastinate's keys, not formicary's): a Go duration, or a bare
    /// number of seconds as the seed writes them ("<c>linear_wait=5</c> to wait 5 seconds then 10 then 15").
    /// </summary>
    public TimeSpan? WaitDuration(YamlNode node, Scope scope, string key) =>
        node is YamlScalarNode { IsNull: false } scalar
        && int.TryParse(scalar.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 365 * 24 * 3600
            ? TimeSpan.FromSeconds(seconds)
            : Duration(node, scope, key);

    /// <summary>A Go duration (<c>6s</c>, <c>1m30s</c>); null (and WF4004) when it is not one.</summary>
    public TimeSpan? Duration(YamlNode node, Scope scope, string key)
    {
        var scalar = FixedScalar(node, scope, key, "a duration", $"'{key}: 30s'");
        if (scalar is null)
        {
            return null;
        }

        var text = scalar.Value.Trim();
        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        var hint = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? $" Did you mean '{text}s'?" : string.Empty;
        Report(WorkflowDiagnostics.MalformedDuration, scope, key, scalar, scope.Subject, scope.Display(key), scalar.Value, hint, Durations.ValidForms);
        return null;
    }
}
