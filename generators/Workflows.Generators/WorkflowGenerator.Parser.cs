using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Analyzers;
using Workflows.Definitions;

namespace Workflows.Generators
{
    public sealed partial class WorkflowGenerator
    {
        /// <summary>Symbols and operations → <see cref="WorkflowSpec"/>, through the analyzers' parser.</summary>
        private static class Parser
        {
            /// <summary>
            /// Specs of workflows whose whole meaning is in their own syntax node (one declaration, only literals and DSL
            /// members in Define and [Workflow]), keyed by that node. Incremental transforms re-run for every workflow on
            /// every edit; an unchanged node keeps its object identity, so its spec is reused instead of re-binding Define.
            /// </summary>
            private static readonly ConditionalWeakTable<SyntaxNode, Cached> Cache = new ConditionalWeakTable<SyntaxNode, Cached>();

            public static WorkflowSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                if (context.TargetSymbol is INamedTypeSymbol { DeclaringSyntaxReferences.Length: 1 }
                    && Cache.TryGetValue(context.TargetNode, out var hit)
                    && hit.Dsl == DslIdentity(context.SemanticModel.Compilation))
                {
                    return hit.Spec;
                }

                var spec = ParseUncached(context, cancellationToken, out var selfContained);
                if (spec is not null && selfContained)
                {
                    Cache.Remove(context.TargetNode);
                    Cache.Add(context.TargetNode, new Cached(DslIdentity(context.SemanticModel.Compilation), spec));
                }

                return spec;
            }

            private static string? DslIdentity(Compilation compilation) =>
                compilation.GetTypeByMetadataName("Workflows.Workflow")?.ContainingAssembly.Identity.ToString();

            private static WorkflowSpec? ParseUncached(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken, out bool selfContained)
            {
                selfContained = false;
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

                var parsed = ParseDefine(type, compilation, known, cancellationToken, out var body);
                selfContained = type.DeclaringSyntaxReferences.Length == 1 && body is not null && OnlyLiteralsAndDsl(body, known)
                    && context.Attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments: var attributeArguments }
                    && attributeArguments.All(a => a.Expression is LiteralExpressionSyntax);
                var names = parsed?.DoesMore is null
                    ? parsed?.Definition.Tasks.Select(t => t.TaskType).Where(n => n.Length > 0).ToEquatableArray() ?? default
                    : default;
                var compiled = parsed is { IsExact: true } && parsed.CallProblems.Count == 0
                    && !Templates.DefinitionChecks.Validate(parsed.Definition).Any(p => p.IsError)
                    ? parsed.Definition
                    : null;
                return new WorkflowSpec(ns, type.Name, isPartial, canCreate, jobType, names, compiled);
            }

            /// <summary>True when Define reads nothing but literals and the DSL's own members (its meaning is in its own syntax).</summary>
            private static bool OnlyLiteralsAndDsl(IOperation body, KnownTypes known)
            {
                foreach (var operation in body.Descendants())
                {
                    switch (operation)
                    {
                        case IFieldReferenceOperation field when !SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, known.ExitAction):
                        case ILocalReferenceOperation:
                        case IPropertyReferenceOperation:
                        case INameOfOperation:
                        case IInvocationOperation invocation when !IsDsl(invocation.TargetMethod.ContainingType, known):
                            return false;
                    }
                }

                return true;
            }

            private static bool IsDsl(INamedTypeSymbol type, KnownTypes known) =>
                SymbolEqualityComparer.Default.Equals(type, known.JobBuilder) || SymbolEqualityComparer.Default.Equals(type, known.TaskBuilder)
                || SymbolEqualityComparer.Default.Equals(type, known.ExitAction) || SymbolEqualityComparer.Default.Equals(type, known.TimeSpan);

            private sealed class Cached
            {
                public Cached(string? dsl, WorkflowSpec spec)
                {
                    Dsl = dsl;
                    Spec = spec;
                }

                public string? Dsl { get; }

                public WorkflowSpec Spec { get; }
            }

            private static ParsedWorkflow? ParseDefine(INamedTypeSymbol type, Compilation compilation, KnownTypes known, CancellationToken cancellationToken, out IOperation? body)
            {
                body = null;
                var define = type.GetMembers("Define").OfType<IMethodSymbol>().FirstOrDefault(m => m.IsOverride && m.Parameters.Length == 1);
                var syntax = define?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
                if (define is null || syntax is null)
                {
                    return null;
                }

                body = compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
                return body is null ? null : WorkflowParser.Parse(type, define, ImmutableArray.Create(body), known, cancellationToken);
            }
        }
    }
}
