namespace Seco.Tests.Shared;

/// <summary>
/// Where the tests run: the repository root (the folder holding Seco.Actors.sln, found from the test binaries) and
/// programs on PATH. Linked into every test project that needs it, so there is one copy.
/// </summary>
internal static class TestHost
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    /// <summary>
    /// The path of a file under tests/data in the repository (e.g. <c>DataFile("bristol", "aes_128.txt")</c>). The
    /// data is committed with the tests, so a missing file is a broken checkout and fails the test rather than
    /// skipping it.
    /// </summary>
    public static string DataFile(params string[] parts)
    {
        string path = Path.Combine([Root, "tests", "data", .. parts]);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test data file {path} is missing (it is committed under tests/data)", path);
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd"] : [program];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seco.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Seco.Actors.sln not found above {AppContext.BaseDirectory}");
    }
}
