using Workflows.Api.Contracts;

namespace Workflows.Api.Operations;

/// <summary>What an operation answers: an HTTP status with a value, or with an error. The HTTP API writes it as it is; the CLI reads the same.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Value">The value, on success.</param>
/// <param name="Error">The error, on failure.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "ApiResult<T>.Ok(...) and .Fail(...) read best at the call sites.")]
public sealed record ApiResult<T>(int Status, T? Value, ApiError? Error)
{
    /// <summary>True for a 2xx status.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>A success.</summary>
    /// <param name="value">The value.</param>
    /// <param name="status">The status (200 unless given).</param>
    public static ApiResult<T> Ok(T value, int status = 200) => new(status, value, null);

    /// <summary>A failure.</summary>
    /// <param name="status">The status.</param>
    /// <param name="code">The stable error code.</param>
    /// <param name="message">The problem and the fix.</param>
    public static ApiResult<T> Fail(int status, string code, string message) => new(status, default, new ApiError(message, code));

    /// <summary>A failure with an error as built.</summary>
    /// <param name="status">The status.</param>
    /// <param name="error">The error.</param>
    public static ApiResult<T> Fail(int status, ApiError error) => new(status, default, error);

    /// <summary>The same failure for another value type.</summary>
    /// <typeparam name="TOther">The other type.</typeparam>
    public ApiResult<TOther> As<TOther>() => new(Status, default, Error);
}
