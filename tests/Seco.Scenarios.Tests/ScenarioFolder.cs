namespace Seco.Scenarios.Tests;

/// <summary>
/// A temporary folder laid out like the repository (scenarios/ beside models/) with small
/// stand-in model and IDX files, so tests never depend on the real, separately produced ones.
/// Scenario text is loaded as "scenarios/x.yaml" from the folder's scenarios/ subfolder.
/// </summary>
public sealed class ScenarioFolder : IDisposable
{
    public const string SourceName = "scenarios/x.yaml";

    public ScenarioFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "seco-scenarios-" + Guid.NewGuid().ToString("N"));
        Scenarios = Directory.CreateDirectory(Path.Combine(Root, "scenarios")).FullName;
        Models = Directory.CreateDirectory(Path.Combine(Root, "models")).FullName;
        foreach (string file in new[] { "minionn.onnx", "images-idx3-ubyte", "labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(Models, file), [0, 0, 8, 3]);
    }

    public string Root { get; }

    public string Scenarios { get; }

    public string Models { get; }

    public string Model(string file) => Path.Combine(Models, file);

    public Scenario Load(string yaml) => ScenarioLoader.Load(yaml, SourceName, Scenarios);

    /// <summary>The one-line forms of the errors loading <paramref name="yaml"/> produces.</summary>
    public IReadOnlyList<string> Errors(string yaml)
    {
        var e = Assert.Throws<ScenarioValidationException>(() => Load(yaml));
        return e.Errors.Select(x => x.ToString()).ToList();
    }

    /// <summary>The single error loading <paramref name="yaml"/> produces.</summary>
    public string Error(string yaml) => Assert.Single(Errors(yaml));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
