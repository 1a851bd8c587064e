using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;

namespace Workflows.Api.Http;

/// <summary>
/// Reads request bodies within the configured bound (413 beyond it, without reading the rest), as UTF-8 text or JSON
/// (400 naming the problem and where it is); never a 500 for bad input.
/// </summary>
internal static class RequestBodies
{
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json", "text/plain"];

    public static async Task<ApiResult<string>> ReadTextAsync(HttpRequest request, long limit, bool definition)
    {
        if (definition && !IsOneOf(request.ContentType, YamlTypes))
        {
            return ApiResult<string>.Fail(415, "unsupported_content_type",
                $"Content-Type '{request.ContentType ?? "(none)"}' is not a job definition: send YAML with `Content-Type: application/yaml` (or application/x-yaml, text/yaml), or JSON with application/json.");
        }

        if (!definition && !IsOneOf(request.ContentType, ["application/json"]))
        {
            return ApiResult<string>.Fail(415, "unsupported_content_type",
                $"Content-Type '{request.ContentType ?? "(none)"}' is not JSON: send the body with `Content-Type: application/json`.");
        }

        var bytes = await ReadBytesAsync(request, limit).ConfigureAwait(false);
        if (!bytes.IsSuccess)
        {
            return bytes.As<string>();
        }

        try
        {
            return ApiResult<string>.Ok(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Value!));
        }
        catch (DecoderFallbackException)
        {
            return ApiResult<string>.Fail(400, "bad_encoding", "The request body is not valid UTF-8 text; send it encoded as UTF-8.");
        }
    }

    /// <summary>The body's bytes as sent, within the bound (413 beyond it, without reading the rest); no content-type check.</summary>
    public static async Task<ApiResult<byte[]>> ReadBytesAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
        {
            if (request.ContentLength > 16 * limit)
            {
                // Not worth reading (and Kestrel refuses bodies over its own limit when read): answer and close.
                request.HttpContext.Response.Headers.Connection = "close";
            }
            else
            {
                await DiscardAsync(request, limit).ConfigureAwait(false);
            }

            return TooLarge(request.ContentLength.Value, limit).As<byte[]>();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await DiscardAsync(request, limit).ConfigureAwait(false);
                return TooLarge(null, limit).As<byte[]>();
            }

            buffer.Write(chunk, 0, read);
        }

        return ApiResult<byte[]>.Ok(buffer.ToArray());
    }

    public static async Task<ApiResult<T>> ReadJsonAsync<T>(HttpRequest request, long limit)
        where T : class
    {
        var text = await ReadTextAsync(request, limit, definition: false).ConfigureAwait(false);
        if (!text.IsSuccess)
        {
            return text.As<T>();
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(text.Value!, ApiJson.Options);
            return value is null
                ? ApiResult<T>.Fail(400, "malformed_json", "The request body is JSON null; send a JSON object.")
                : ApiResult<T>.Ok(value);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" + (string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" ({e.Path})") : string.Empty;
            return ApiResult<T>.Fail(400, "malformed_json", $"The request body is not valid JSON for this endpoint{where}: {FirstSentence(e.Message)}");
        }
    }

    /// <summary>
    /// Reads the rest of an oversized body (up to 16 times the limit) without keeping it, so a client that sends the
    /// whole body before reading the answer gets the 413 instead of a reset connection; beyond that the connection closes.
    /// </summary>
    private static async Task DiscardAsync(HttpRequest request, long limit)
    {
        var chunk = new byte[16 * 1024];
        long discarded = 0;
        int read;
        try
        {
            while (discarded < 16 * limit && (read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                discarded += read;
            }
        }
        catch (BadHttpRequestException)
        {
            discarded = 16 * limit; // the server's own body limit: stop reading, close
        }

        if (discarded >= 16 * limit)
        {
            request.HttpContext.Response.Headers.Connection = "close";
        }
    }

    private static ApiResult<string> TooLarge(long? size, long limit) => ApiResult<string>.Fail(413, "body_too_large",
        $"The request body{(size is { } s ? $" ({s} bytes)" : string.Empty)} is larger than the limit of {limit} bytes; nothing was stored. Send a smaller body, or raise Workflows:Api:MaxBodyBytes on the host.");

    private static bool IsOneOf(string? contentType, string[] accepted) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && accepted.Contains(parsed.MediaType.Value, StringComparer.OrdinalIgnoreCase);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
