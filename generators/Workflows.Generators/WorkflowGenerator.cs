using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workflows.Generators
{
    /// <summary>
    /// For every <c>[Workflow]</c> class: the compiled definition as static data, typed task names
    /// (<c>RetryJob.Tasks.Second</c>); for the assembly: one registry and <c>services.AddWorkflowsFromAssembly()</c>,
    /// with no reflection. Diagnostics are the analyzers' job; the generator only emits code.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class WorkflowGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps (tests check their caching).</summary>
        public const string WorkflowsStep = "Workflows";

        /// <summary>Tracking name of the registry input.</summary>
        public const string RegistryStep = "Registry";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var workflows = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "Workflows.WorkflowAttribute",
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (syntax, cancellationToken) => Parser.Parse(syntax, cancellationToken))
                .Where(static spec => spec is not null)
                .Select(static (spec, _) => spec!)
                .WithTrackingName(WorkflowsStep);

            context.RegisterSourceOutput(workflows, static (output, spec) => Emitter.EmitWorkflow(output, spec));

            var assembly = context.CompilationProvider
                .Select(static (compilation, _) => new AssemblySpec(
                    compilation.AssemblyName ?? "Assembly",
                    compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.IServiceCollection") is not null));
            var registry = workflows.Collect().Combine(assembly).WithTrackingName(RegistryStep);
            context.RegisterSourceOutput(registry, static (output, input) => Emitter.EmitRegistry(output, input.Left, input.Right));
        }
    }
}
