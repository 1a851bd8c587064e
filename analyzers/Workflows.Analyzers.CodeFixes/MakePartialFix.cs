using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Definitions;

namespace Workflows.Analyzers.CodeFixes
{
    /// <summary>WF6001: adds the <c>partial</c> modifier so the generator can compile the workflow into the class.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialFix)), Shared]
    public sealed class MakePartialFix : CodeFixProvider
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(WorkflowDiagnostics.WorkflowNotPartialId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var diagnostic = context.Diagnostics.First();
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Add 'partial'", _ =>
                {
                    var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                    var updated = declaration.Modifiers.Count == 0
                        ? declaration.WithoutLeadingTrivia().AddModifiers(partial.WithLeadingTrivia(declaration.GetLeadingTrivia()))
                        : declaration.AddModifiers(partial);
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)));
                }, equivalenceKey: nameof(MakePartialFix)),
                diagnostic);
        }
    }
}
