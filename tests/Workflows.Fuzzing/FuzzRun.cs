using System.Diagnostics;
using CsCheck;

namespace Workflows.Fuzzing;

/// <summary>One failing case of a fuzz run: the input (printable, to keep as a regression test) and what went wrong.</summary>
/// <param name="Case">The case's number in the run (with the seed, it reproduces the input).</param>
/// <param name="Input">The input, as text.</param>
/// <param name="Failure">The unhandled exception or the broken property.</param>
public sealed record FuzzCrash(long Case, string Input, Exception Failure)
{
    /// <summary>Crashes of one kind: the exception's type and the frame that threw.</summary>
    public string Signature => Failure is FuzzPropertyException
        ? "property: " + Failure.Message.Split(':')[0]
        : $"{Failure.GetType().Name} at {Failure.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "?"}";
}

/// <summary>What a fuzz run did: cases, time, crashes (the first few of each kind kept).</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Cases">Cases run.</param>
/// <param name="Elapsed">Time taken.</param>
/// <param name="Crashes">Failing cases (up to 3 per signature).</param>
/// <param name="CrashCount">Failing cases in all.</param>
public sealed record FuzzReport(string Target, ulong Seed, long Cases, TimeSpan Elapsed, IReadOnlyList<FuzzCrash> Crashes, long CrashCount)
{
    /// <summary>A summary line and each kept crash.</summary>
    public override string ToString()
    {
        var lines = new List<string> { $"{Target}: {Cases:N0} cases in {Elapsed.TotalSeconds:F1} s (seed {Seed}), {CrashCount} failing, {Crashes.Select(c => c.Signature).Distinct().Count()} kinds" };
        foreach (var crash in Crashes)
        {
            lines.Add($"  case {crash.Case}: {crash.Failure.GetType().Name}: {crash.Failure.Message}\n    input: {Escape(crash.Input)}\n    {crash.Signature}");
        }

        return string.Join('\n', lines);
    }

    private static string Escape(string text) =>
        System.Text.Json.JsonSerializer.Serialize(text.Length > 2000 ? text[..2000] + "…" : text);
}

/// <summary>The property of a target was broken (not an exception of the code under test).</summary>
public sealed class FuzzPropertyException : Exception
{
    /// <summary>Creates one.</summary>
    public FuzzPropertyException()
    {
    }

    /// <summary>Creates one.</summary>
    /// <param name="message">The broken property.</param>
    public FuzzPropertyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates one.</summary>
    /// <param name="message">The broken property.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzPropertyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Runs a target deterministically: the cases come from one CsCheck <see cref="PCG"/> stream seeded with the seed, in
/// order, on one thread (the same seed gives the same inputs; a long run does not take every core). Every case runs,
/// failing or not, so a run reports all kinds of crashes it met.
/// </summary>
public static class FuzzRun
{
    /// <summary>Runs <paramref name="cases"/> cases of <paramref name="check"/> over <paramref name="gen"/>.</summary>
    /// <typeparam name="T">The input.</typeparam>
    /// <param name="target">The target's name.</param>
    /// <param name="gen">The inputs.</param>
    /// <param name="check">Throws when the property does not hold (or the code under test throws).</param>
    /// <param name="print">The input as text.</param>
    /// <param name="cases">How many cases.</param>
    /// <param name="seed">The seed.</param>
    public static FuzzReport Run<T>(string target, Gen<T> gen, Action<T> check, Func<T, string> print, long cases, ulong seed) =>
        RunAsync(target, gen, input =>
        {
            check(input);
            return Task.CompletedTask;
        }, print, cases, seed).GetAwaiter().GetResult();

    /// <summary>The async form of <see cref="Run"/> (HTTP targets).</summary>
    /// <typeparam name="T">The input.</typeparam>
    /// <param name="target">The target's name.</param>
    /// <param name="gen">The inputs.</param>
    /// <param name="check">Throws when the property does not hold (or the code under test throws).</param>
    /// <param name="print">The input as text.</param>
    /// <param name="cases">How many cases.</param>
    /// <param name="seed">The seed.</param>
    public static async Task<FuzzReport> RunAsync<T>(string target, Gen<T> gen, Func<T, Task> check, Func<T, string> print, long cases, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(print);
        var pcg = new PCG(1, seed);
        var crashes = new List<FuzzCrash>();
        long count = 0;
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < cases; i++)
        {
            var input = gen.Generate(pcg, null, out _);
            try
            {
                await check(input).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A fuzz run records every failure and goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                count++;
                var crash = new FuzzCrash(i, print(input), e);
                if (crashes.Count(c => c.Signature == crash.Signature) < 3 && crashes.Count < 30)
                {
                    crashes.Add(crash);
                }
            }
        }

        return new FuzzReport(target, seed, cases, clock.Elapsed, crashes, count);
    }
}
