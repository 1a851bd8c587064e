namespace Workflows.Yaml.Tests;

/// <summary>Files of the repository, found from the test's output folder.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Root, .. parts]));

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
