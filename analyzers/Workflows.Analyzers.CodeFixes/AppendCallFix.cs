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
    /// <summary>
    /// RESTART_TASK without retries (WF2001) → append <c>.Retry(1)</c> to the mapping's task;
    /// EXECUTING without a timeout (WF1007) → append <c>.Timeout(TimeSpan.FromMinutes(5))</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AppendCallFix)), Shared]
    public sealed class AppendCallFix : CodeFixProvider
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            WorkflowDiagnostics.RestartTaskWithoutRetryId, WorkflowDiagnostics.ExecutingWithoutTimeoutId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var diagnostic = context.Diagnostics.First();
            var invocation = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (root is null || invocation is null)
            {
                return;
            }

            var retry = diagnostic.Id == WorkflowDiagnostics.RestartTaskWithoutRetryId;
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            var timeSpanInScope = model?.GetSpeculativeTypeInfo(invocation.SpanStart, SyntaxFactory.ParseTypeName("TimeSpan"), SpeculativeBindingOption.BindAsTypeOrNamespace)
                .Type?.ToDisplayString() == "System.TimeSpan";
            var (title, method, argument) = retry
                ? ("Add .Retry(1) to the task", "Retry", SyntaxFactory.ParseExpression("1"))
                : ("Add .Timeout(TimeSpan.FromMinutes(5)) to the task", "Timeout",
                    SyntaxFactory.ParseExpression((timeSpanInScope ? string.Empty : "System.") + "TimeSpan.FromMinutes(5)"));
            context.RegisterCodeFix(
                CodeAction.Create(title, _ =>
                {
                    var appended = SyntaxFactory.InvocationExpression(
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, invocation.WithoutTrailingTrivia(), SyntaxFactory.IdentifierName(method)),
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))))
                        .WithTrailingTrivia(invocation.GetTrailingTrivia());
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, appended)));
                }, equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }
}
