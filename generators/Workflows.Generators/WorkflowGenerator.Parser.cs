using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Analyzers;
using Workflows.Definitions;

namespace Workflows.Generators
{
    public sealed partial class WorkflowGenerator
    {
        /// <summary>Symbols and operations → <see cref="WorkflowSpec"/>, through the analyzers' parser.</summary>
        private static class Parser
        {
            public static WorkflowSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                if (context.TargetSymbol is not INamedTypeSymbol type || type.ContainingType is not null)
                {
                    return null;
                }

                var compilation = context.SemanticModel.Compilation;
                var known = KnownTypes.Create(compilation);
                if (known is null || !known.DerivesFromWorkflow(type))
                {
                    return null;
                }

                var jobType = context.Attributes.FirstOrDefault()?.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
                var isPartial = type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
                var canCreate = !type.IsAbstract && type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);
                var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();

                var parsed = ParseDefine(type, compilation, known, cancellationToken);
                var names = parsed?.DoesMore is null
                    ? parsed?.Definition.Tasks.Select(t => t.TaskType).Where(n => n.Length > 0).ToEquatableArray() ?? default
                    : default;
                var compiled = parsed is { IsExact: true } && parsed.CallProblems.Count == 0
                    && !WorkflowValidator.Validate(parsed.Definition).Any(p => p.IsError)
                    ? parsed.Definition
                    : null;
                return new WorkflowSpec(ns, type.Name, isPartial, canCreate, jobType, names, compiled);
            }

            private static ParsedWorkflow? ParseDefine(INamedTypeSymbol type, Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
            {
                var define = type.GetMembers("Define").OfType<IMethodSymbol>().FirstOrDefault(m => m.IsOverride && m.Parameters.Length == 1);
                var syntax = define?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
                if (define is null || syntax is null)
                {
                    return null;
                }

                var body = compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
                return body is null ? null : WorkflowParser.Parse(type, define, ImmutableArray.Create(body), known, cancellationToken);
            }
        }
    }
}
