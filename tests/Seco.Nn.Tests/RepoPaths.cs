namespace Seco.Nn.Tests;

/// <summary>Finds the repository root (the folder holding Seco.Actors.sln) from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models(string file) => Path.Combine(Root, "models", file);

    public const string TestImages = "fashion-mnist-test-1000-images-idx3-ubyte";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seco.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Seco.Actors.sln not found above {AppContext.BaseDirectory}");
    }
}
