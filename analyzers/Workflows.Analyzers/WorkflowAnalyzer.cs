using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    /// <summary>
    /// Reports the shared validator's problems for every <c>[Workflow]</c> class at the C# span that caused them
    /// (the argument of <c>OnCompleted("thrid")</c>, the duplicate <c>OnExitCode(2, …)</c>, …), plus the C#-only rules.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class WorkflowAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var known = KnownTypes.Create(start.Compilation);
                if (known is null)
                {
                    return;
                }

                var jobTypes = new ConcurrentBag<(string JobType, Location Location)>();
                start.RegisterSymbolAction(symbol => AnalyzeClass(symbol, known, jobTypes), SymbolKind.NamedType);
                // Operation trees only for the members of workflow classes: a compilation-wide operation block action made
                // the driver build one for every method body of the application.
                start.RegisterSymbolStartAction(
                    type =>
                    {
                        var symbol = (INamedTypeSymbol)type.Symbol;
                        if (known.WorkflowAttributeOf(symbol) is not null && known.DerivesFromWorkflow(symbol))
                        {
                            type.RegisterOperationBlockAction(block => AnalyzeDefine(block, known));
                        }
                    },
                    SymbolKind.NamedType);
                start.RegisterCompilationEndAction(end =>
                {
                    foreach (var group in jobTypes.GroupBy(j => j.JobType).Where(g => g.Count() > 1))
                    {
                        var problem = WorkflowDiagnostics.DuplicateJobType.Create(DefinitionPointer.Job("job_type", group.Key), group.Key, group.Count());
                        foreach (var (_, location) in group)
                        {
                            end.ReportDiagnostic(Descriptors.Create(problem, location));
                        }
                    }
                });
            });
        }

        private static void AnalyzeClass(SymbolAnalysisContext context, KnownTypes known, ConcurrentBag<(string, Location)> jobTypes)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var attribute = known.WorkflowAttributeOf(type);
            if (attribute is null)
            {
                return;
            }

            var jobType = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
            var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
            if (!known.DerivesFromWorkflow(type))
            {
                var problem = WorkflowDiagnostics.WorkflowNotDerived.Create(DefinitionPointer.Job("job_type"), type.Name, jobType);
                context.ReportDiagnostic(Descriptors.Create(problem, type.Locations[0]));
                return;
            }

            if (jobType.Length > 0)
            {
                jobTypes.Add((jobType, attributeLocation));
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is ClassDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    var problem = WorkflowDiagnostics.WorkflowNotPartial.Create(DefinitionPointer.Job("job_type"), type.Name);
                    context.ReportDiagnostic(Descriptors.Create(problem, declaration.Identifier.GetLocation()));
                }
            }
        }

        private static void AnalyzeDefine(OperationBlockAnalysisContext context, KnownTypes known)
        {
            if (context.OwningSymbol is not IMethodSymbol { Name: "Define", IsOverride: true, Parameters.Length: 1 } define
                || define.ContainingType is not { } type
                || known.WorkflowAttributeOf(type) is null
                || !known.DerivesFromWorkflow(type))
            {
                return;
            }

            var parsed = WorkflowParser.Parse(type, define, context.OperationBlocks, known, context.CancellationToken);
            if (parsed.DoesMore is { } more)
            {
                var problem = WorkflowDiagnostics.DefineDoesMore.Create(DefinitionPointer.Job("tasks"), type.Name, more.Reason);
                context.ReportDiagnostic(Descriptors.Create(problem, more.Location));
                return;
            }

            foreach (var (location, parameter, method) in parsed.NonConstant)
            {
                var problem = WorkflowDiagnostics.NotConstant.Create(DefinitionPointer.Job("tasks"), parameter, method);
                context.ReportDiagnostic(Descriptors.Create(problem, location));
            }

            foreach (var (problem, location) in parsed.CallProblems)
            {
                context.ReportDiagnostic(Descriptors.Create(problem, location));
            }

            foreach (var problem in Templates.DefinitionChecks.Validate(parsed.Definition))
            {
                var category = Descriptors.For(problem.Id).Category.Substring("Workflows.".Length);
                // WF2011 reads the task's container too: with an executor argument unknown (e.g. new ContainerSpec(...)), it cannot be trusted.
                var alsoNeeds = problem.Id == WorkflowDiagnostics.InvalidRetryResourcesId ? "Executors" : category;
                if (!parsed.UnknownCategories.Contains(category) && !parsed.UnknownCategories.Contains(alsoNeeds))
                {
                    context.ReportDiagnostic(Descriptors.Create(problem, parsed.Locate(problem)));
                }
            }

            // The C# side of WF4005: a DSL call set a key the runtime does not run yet (the list YAML reports from).
            foreach (var problem in NotRunYetKeys.Find(parsed.Definition))
            {
                context.ReportDiagnostic(Descriptors.Create(problem, parsed.Locate(problem)));
            }
        }
    }
}
