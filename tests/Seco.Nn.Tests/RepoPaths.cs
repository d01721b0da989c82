using Seco.Tests.Shared;

namespace Seco.Nn.Tests;

/// <summary>Paths of the shipped models and images, below the repository root.</summary>
internal static class RepoPaths
{
    public static string Root => TestHost.Root;

    public static string Models(string file) => Path.Combine(Root, "models", file);

    public const string TestImages = "fashion-mnist-test-1000-images-idx3-ubyte";
}
