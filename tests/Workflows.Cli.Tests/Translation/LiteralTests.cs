using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Yaml.Translation;

namespace Workflows.Cli.Tests.Translation;

/// <summary>Every literal the translator writes reads back, through the C# compiler, as exactly the value it came from.</summary>
public class LiteralTests
{
    /// <summary>Characters that need care in C# literals, and ordinary ones.</summary>
    private const string Interesting = "\"\\\n\r\t\0 {}$@#'`aZ09é€\u00A0\u0085\u2028\u2029\u200B\uFEFF\uD83D\uDE00\uD800";

    internal static readonly Gen<string> Strings = Gen.Frequency(
        (3, Gen.Char[Interesting].Array[0, 24].Select(c => new string(c))),
        (1, Gen.Char.Array[0, 12].Select(c => new string(c))),
        (1, Gen.OneOf("\"", "\"\"\"", "a\"\"\"\"b", "line\n", "\nline", "a\n\nb", "  indented\n    more", "{{ if x }}\"y\"{{ end }}", "C:\\tmp\\x", "")));

    [Fact]
    public void Every_string_literal_parses_back_to_the_same_text()
    {
        Strings.Sample(value =>
        {
            var text = new StringBuilder("class C\n{\n    string s =\n        ");
            CSharpLiterals.Text(value).Write(text, "        ");
            text.Append(";\n}\n");
            var tree = CSharpSyntaxTree.ParseText(text.ToString());
            Assert.Empty(tree.GetDiagnostics());
            var literal = tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>().Single();
            Assert.Equal(value, literal.Token.ValueText);
        }, iter: 20_000);
    }

    [Fact]
    public void Readable_text_gets_a_readable_literal()
    {
        Assert.Equal("\"date\"", CSharpLiterals.String("date"));
        Assert.Equal("\"café\"", CSharpLiterals.String("café"));
        Assert.Equal("\"\"\"echo \"hi\" there\"\"\"", CSharpLiterals.String("echo \"hi\" there"));
        Assert.Equal("@\"C:\\tmp\"", CSharpLiterals.String("C:\\tmp"));
        Assert.Equal("\"\\\"quoted\\\"\"", CSharpLiterals.String("\"quoted\""));
        Assert.Equal("\"tab\\there\"", CSharpLiterals.String("tab\there"));
        Assert.Equal("\"\\u2028\"", CSharpLiterals.String("\u2028"));
    }

    /// <summary>Durations, doubles and strings compiled in one assembly and read back: the values, not just the syntax.</summary>
    [Fact]
    public void Durations_doubles_and_strings_compile_back_to_the_same_values()
    {
        var random = new Random(20240607);
        var times = new List<TimeSpan> { TimeSpan.Zero, TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromTicks(1), TimeSpan.FromTicks(-1) };
        long[] units = [1, 10, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour, TimeSpan.TicksPerDay];
        for (var i = 0; i < 300; i++)
        {
            var unit = units[random.Next(units.Length)];
            var ticks = random.NextInt64(-100_000, 100_000) * unit + (random.Next(4) == 0 ? random.Next(-9, 10) : 0);
            times.Add(TimeSpan.FromTicks(ticks));
        }

        var doubles = new List<double> { 0, -0.0, 1.5, 2, 0.1, 1e300, -1e-300, double.Epsilon, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e15, 1e16, 123456789012345678 };
        for (var i = 0; i < 200; i++)
        {
            doubles.Add(BitConverter.Int64BitsToDouble(random.NextInt64()));
        }

        var strings = Strings.Array[300].Single();
        var source = new StringBuilder("public static class Values\n{\n");
        source.Append("    public static readonly TimeSpan[] Times = [").Append(string.Join(", ", times.Select(CSharpLiterals.TimeSpan))).Append("];\n");
        source.Append("    public static readonly double[] Doubles = [").Append(string.Join(", ", doubles.Select(CSharpLiterals.Double))).Append("];\n");
        source.Append("    public static readonly string[] Strings =\n    [");
        foreach (var value in strings)
        {
            source.Append("\n        ");
            CSharpLiterals.Text(value).Write(source, "        ");
            source.Append(',');
        }

        source.Append("\n    ];\n}\n");
        var result = CSharpCompiler.Compile([source.ToString()], generator: false, analyzers: false);
        Assert.True(result.Assembly is not null && result.BuildWarnings.Count == 0, string.Join("\n", result.Compiler));
        var values = result.Assembly!.GetType("Values")!;
        Assert.Equal(times, (TimeSpan[])values.GetField("Times")!.GetValue(null)!);
        // Bit for bit (so -0.0 stays negative), except that any NaN is NaN (the model compares doubles with Equals).
        static long Bits(double d) => double.IsNaN(d) ? -1 : BitConverter.DoubleToInt64Bits(d);
        Assert.Equal(doubles.Select(Bits), ((double[])values.GetField("Doubles")!.GetValue(null)!).Select(Bits));
        Assert.Equal(strings, (string[])values.GetField("Strings")!.GetValue(null)!);
    }
}
