using System.Globalization;
using Microsoft.AspNetCore.Http;
using Workflows.Api.Operations;

namespace Workflows.Api.Http;

/// <summary>A page asked for in a query string (<c>?offset=&amp;limit=</c>): whole numbers within bounds, or a 400 naming the bad one.</summary>
internal static class QueryPaging
{
    public static ApiResult<(int Offset, int Limit)> Read(IQueryCollection query, int defaultLimit, int maxLimit)
    {
        var page = (Offset: 0, Limit: defaultLimit);
        foreach (var (name, min, max) in new[] { ("offset", 0, int.MaxValue), ("limit", 1, maxLimit) })
        {
            if (query[name].ToString() is { Length: > 0 } text)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    return ApiResult<(int, int)>.Fail(400, "bad_query", $"{name} '{text}' must be a whole number from {min} to {max}.");
                }

                page = name == "offset" ? page with { Offset = value } : page with { Limit = value };
            }
        }

        return ApiResult<(int, int)>.Ok(page);
    }
}
