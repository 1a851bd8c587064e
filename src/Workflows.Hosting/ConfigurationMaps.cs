using Microsoft.Extensions.Configuration;

namespace Workflows.Hosting;

/// <summary>
/// Reads the option maps whose keys hold colons (<c>ImageFallbacks</c>: <c>alpine:latest</c>; <c>HttpRedirects</c>:
/// <c>https://host</c>). Configuration splits every key at <c>:</c>, so the binder sees <c>alpine</c> with a child
/// <c>latest</c> and drops the entry (a string map cannot take a section): here each value is keyed by its whole path
/// under the map's section, the colons put back.
/// </summary>
internal static class ConfigurationMaps
{
    /// <summary>Every value under <paramref name="section"/>, keyed by its path relative to the section.</summary>
    /// <param name="section">The map's section, e.g. <c>Workflows:ImageFallbacks</c>.</param>
    public static IEnumerable<KeyValuePair<string, string>> Read(IConfigurationSection section)
    {
        var prefix = section.Path.Length + 1;
        return section.AsEnumerable(makePathsRelative: false)
            .Where(entry => entry.Value is not null && entry.Key.Length > prefix)
            .Select(entry => new KeyValuePair<string, string>(entry.Key[prefix..], entry.Value!));
    }

    /// <summary>Adds the map's entries from configuration to <paramref name="map"/> (an entry set in code first is replaced).</summary>
    /// <param name="map">The option's dictionary.</param>
    /// <param name="section">The map's section.</param>
    public static void Fill(IDictionary<string, string> map, IConfigurationSection section)
    {
        foreach (var (key, value) in Read(section))
        {
            map[key] = value;
        }
    }
}
