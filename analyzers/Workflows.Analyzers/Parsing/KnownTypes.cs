using Microsoft.CodeAnalysis;

namespace Workflows.Analyzers
{
    /// <summary>The DSL's types, resolved once per compilation; null when the compilation does not reference Workflows.</summary>
    internal sealed class KnownTypes
    {
        private KnownTypes(Compilation compilation, INamedTypeSymbol workflow, INamedTypeSymbol attribute, INamedTypeSymbol jobBuilder, INamedTypeSymbol taskBuilder)
        {
            Workflow = workflow;
            WorkflowAttribute = attribute;
            JobBuilder = jobBuilder;
            TaskBuilder = taskBuilder;
            ExitAction = compilation.GetTypeByMetadataName("Workflows.ExitAction");
            TaskMethod = compilation.GetTypeByMetadataName("Workflows.Definitions.TaskMethod");
            TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
            Failure = compilation.GetTypeByMetadataName("Workflows.Failure");
            RetryRuleBuilder = compilation.GetTypeByMetadataName("Workflows.RetryRuleBuilder");
            ApprovalPolicy = compilation.GetTypeByMetadataName("Workflows.Definitions.ApprovalPolicy");
            ApprovalPolicyBuilder = compilation.GetTypeByMetadataName("Workflows.ApprovalPolicyBuilder");
            WebhookSpec = compilation.GetTypeByMetadataName("Workflows.Definitions.WebhookSpec");
            NamedValue = compilation.GetTypeByMetadataName("Workflows.Definitions.NamedValue");
            ServiceSpec = compilation.GetTypeByMetadataName("Workflows.Definitions.ServiceSpec");
            VolumeSpec = compilation.GetTypeByMetadataName("Workflows.Definitions.VolumeSpec");
        }

        public INamedTypeSymbol Workflow { get; }

        public INamedTypeSymbol WorkflowAttribute { get; }

        public INamedTypeSymbol JobBuilder { get; }

        public INamedTypeSymbol TaskBuilder { get; }

        public INamedTypeSymbol? ExitAction { get; }

        public INamedTypeSymbol? TaskMethod { get; }

        public INamedTypeSymbol? TimeSpan { get; }

        public INamedTypeSymbol? Failure { get; }

        public INamedTypeSymbol? RetryRuleBuilder { get; }

        public INamedTypeSymbol? ApprovalPolicy { get; }

        public INamedTypeSymbol? ApprovalPolicyBuilder { get; }

        public INamedTypeSymbol? WebhookSpec { get; }

        public INamedTypeSymbol? NamedValue { get; }

        public INamedTypeSymbol? ServiceSpec { get; }

        public INamedTypeSymbol? VolumeSpec { get; }

        public static KnownTypes? Create(Compilation compilation)
        {
            var workflow = compilation.GetTypeByMetadataName("Workflows.Workflow");
            var attribute = compilation.GetTypeByMetadataName("Workflows.WorkflowAttribute");
            var jobBuilder = compilation.GetTypeByMetadataName("Workflows.JobBuilder");
            var taskBuilder = compilation.GetTypeByMetadataName("Workflows.TaskBuilder");
            return workflow is null || attribute is null || jobBuilder is null || taskBuilder is null
                ? null
                : new KnownTypes(compilation, workflow, attribute, jobBuilder, taskBuilder);
        }

        public bool DerivesFromWorkflow(INamedTypeSymbol type)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, Workflow))
                {
                    return true;
                }
            }

            return false;
        }

        public AttributeData? WorkflowAttributeOf(INamedTypeSymbol type)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, WorkflowAttribute))
                {
                    return attribute;
                }
            }

            return null;
        }
    }
}
