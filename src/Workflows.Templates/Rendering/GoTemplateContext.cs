using System.Collections;
using System.Globalization;
using Scriban;
using Scriban.Parsing;

namespace Workflows.Templates
{
    /// <summary>
    /// A Scriban <see cref="TemplateContext"/> whose conditions follow Go's truthiness, so that translated formicary
    /// templates choose the same branch as in formicary: <c>false</c>, <c>0</c>, <c>""</c>, null and empty
    /// collections are false (Scriban alone treats <c>""</c> and <c>0</c> as true). The run-time renderer builds on it.
    /// </summary>
    public class GoTemplateContext : TemplateContext
    {
        /// <inheritdoc />
        public override bool ToBool(SourceSpan span, object? value) => value switch
        {
            null => false,
            bool b => b,
            string s => s.Length > 0,
            byte or sbyte or short or ushort or int or uint or long or ulong => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0m,
            float f => f != 0f,
            double d => d != 0d,
            decimal m => m != 0m,
            ICollection collection => collection.Count > 0,
            IEnumerable enumerable => enumerable.GetEnumerator().MoveNext(),
            _ => base.ToBool(span, value),
        };
    }
}
