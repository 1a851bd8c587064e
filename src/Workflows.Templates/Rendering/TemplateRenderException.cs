using System;

namespace Workflows.Templates
{
    /// <summary>
    /// A template could not be rendered: it does not parse, a function failed or does not exist, or a function is not
    /// available at run time. The message names the template and the problem (with line and column where known).
    /// </summary>
    public sealed class TemplateRenderException : Exception
    {
        /// <summary>Creates the exception with a generic message.</summary>
        public TemplateRenderException()
            : base("The template could not be rendered.")
        {
        }

        /// <summary>Creates the exception with a message.</summary>
        /// <param name="message">What went wrong.</param>
        public TemplateRenderException(string message)
            : base(message)
        {
            Problem = message;
        }

        /// <summary>Creates the exception with a message and its cause.</summary>
        /// <param name="message">What went wrong.</param>
        /// <param name="innerException">The cause.</param>
        public TemplateRenderException(string message, Exception innerException)
            : base(message, innerException)
        {
            Problem = message;
        }

        /// <summary>Creates the exception for a template and its problem.</summary>
        /// <param name="template">The template text.</param>
        /// <param name="problem">What went wrong, e.g. <c>line 1, column 4: The function `Foo` was not found</c>.</param>
        /// <param name="innerException">The cause, if any.</param>
        public TemplateRenderException(string template, string problem, Exception? innerException)
            : base($"Template '{Shorten(template)}' could not be rendered: {problem}", innerException)
        {
            Template = template;
            Problem = problem;
        }

        /// <summary>The template text (in full; the message shortens a long one); null when not known.</summary>
        public string? Template { get; }

        /// <summary>The problem without the template, e.g. <c>'Random 3 3' needs min &lt; max</c>.</summary>
        public string? Problem { get; }

        private static string Shorten(string template) =>
            template is null || template.Length <= 300 ? template ?? string.Empty : template.Substring(0, 300) + "…";
    }
}
