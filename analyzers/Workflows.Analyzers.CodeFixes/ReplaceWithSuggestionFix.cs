using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Definitions;

namespace Workflows.Analyzers.CodeFixes
{
    /// <summary>
    /// Unknown task (WF0101), unknown action word (WF1003), malformed error code (WF1004): one fix per suggestion
    /// the validator made, replacing the string literal, e.g. "Change to 'third'".
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceWithSuggestionFix)), Shared]
    public sealed class ReplaceWithSuggestionFix : CodeFixProvider
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            WorkflowDiagnostics.UnknownTaskId, WorkflowDiagnostics.UnknownActionId, WorkflowDiagnostics.MalformedErrorCodeId);

        /// <inheritdoc />
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                    || !literal.IsKind(SyntaxKind.StringLiteralExpression)
                    || !diagnostic.Properties.TryGetValue(Descriptors.SuggestionsProperty, out var joined) || joined is null)
                {
                    continue;
                }

                foreach (var suggestion in joined.Split(Descriptors.SuggestionSeparator))
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Change to '{suggestion}'",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, SyntaxFactory.LiteralExpression(
                                SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion)).WithTriviaFrom(literal)))),
                            equivalenceKey: diagnostic.Id + ":" + suggestion),
                        diagnostic);
                }
            }
        }
    }
}
