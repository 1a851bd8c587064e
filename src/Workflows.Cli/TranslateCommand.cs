using System.CommandLine;
using Workflows.Yaml;
using Workflows.Yaml.Translation;

namespace Workflows.Cli;

/// <summary><c>workflows translate &lt;job.yaml&gt; [-o File.cs] [--namespace N]</c>: one YAML job definition into a C# workflow.</summary>
internal static class TranslateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("job.yaml") { Description = "The legacy YAML job definition to translate." };
        var outputFile = new Option<string?>("--output", "-o") { Description = "Write the C# to this file (default: print it).", HelpName = "File.cs" };
        var @namespace = new Option<string?>("--namespace") { Description = "The namespace of the generated class." };
        var command = new Command("translate", "Translate a legacy YAML job definition into a C# workflow written with the fluent DSL.")
        {
            file,
            outputFile,
            @namespace,
        };
        command.SetAction(parsed => Run(parsed.GetValue(file)!, parsed.GetValue(outputFile), parsed.GetValue(@namespace), output, error));
        return command;
    }

    /// <summary>
    /// Loads, prints every problem (errors, warnings, infos) to <paramref name="error"/>, and translates only when
    /// nothing is an error: with errors no file is written.
    /// </summary>
    private static int Run(string path, string? outputFile, string? @namespace, TextWriter output, TextWriter error)
    {
        if (@namespace is not null && !CSharpNames.IsValidNamespace(@namespace))
        {
            error.WriteLine($"error: '{@namespace}' is not a valid C# namespace name (dotted identifiers, e.g. Shop.Jobs).");
            return WorkflowsCommand.Failure;
        }

        if (!YamlFiles.TryRead(path, error, out var text))
        {
            return WorkflowsCommand.Failure;
        }

        var loaded = YamlJobLoader.Load(text, path);
        foreach (var problem in loaded.Problems)
        {
            error.WriteLine(problem);
        }

        if (!loaded.Succeeded)
        {
            error.WriteLine($"{path}: not translated: {YamlFiles.Count(loaded.Problems.Count(p => p.IsError), "error")}.");
            return WorkflowsCommand.Failure;
        }

        string csharp;
        try
        {
            csharp = CSharpTranslator.Translate(loaded.Definition!, path, @namespace);
        }
        catch (TranslationException e)
        {
            error.WriteLine($"{path}: error: {e.Message}");
            return WorkflowsCommand.Failure;
        }

        if (outputFile is null)
        {
            output.Write(csharp);
            return WorkflowsCommand.Success;
        }

        try
        {
            File.WriteAllText(outputFile, csharp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{outputFile}: error: cannot write the file: {e.Message}");
            return WorkflowsCommand.Failure;
        }

        var job = loaded.Definition!;
        output.WriteLine($"{path} -> {outputFile}: {job.JobType}, {YamlFiles.Count(job.Tasks.Count, "task")}.");
        return WorkflowsCommand.Success;
    }
}
