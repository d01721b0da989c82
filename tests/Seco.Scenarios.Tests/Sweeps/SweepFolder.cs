using Seco.Scenarios.Sweeps;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>
/// A temporary folder holding a base scenario (the repository's MLP at split 1, one image query, LAN) beside the
/// sweeps under test. Sweep text is loaded as "sweeps/s.yaml" from this folder; "MODELS" in it stands for the
/// repository's models folder. Line numbers in the texts matter: error tests assert them.
/// </summary>
public sealed class SweepFolder : IDisposable
{
    public const string SourceName = "sweeps/s.yaml";

    public SweepFolder()
    {
        Root = Directory.CreateTempSubdirectory("seco-sweeps-").FullName;
        File.WriteAllText(Path.Combine(Root, "base.yaml"), Expand("""
            version: 1
            name: base
            model: MODELS/mlp.onnx
            split: 1
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            queries:
              count: 1
              input:
                images: MODELS/fashion-mnist-test-1000-images-idx3-ubyte

            """));
    }

    public string Root { get; }

    public static string Models => Path.Combine(TestHost.Root, "models");

    public static string Expand(string yaml) => yaml.Replace("MODELS", Models, StringComparison.Ordinal);

    public string Write(string name, string yaml)
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, Expand(yaml));
        return path;
    }

    public Sweep Load(string yaml) => SweepLoader.Load(Expand(yaml), SourceName, Root);

    /// <summary>The one-line forms of the errors loading <paramref name="yaml"/> produces.</summary>
    public IReadOnlyList<string> Errors(string yaml) =>
        [.. Assert.Throws<ScenarioValidationException>(() => Load(yaml)).Errors.Select(e => e.ToString())];

    public string Error(string yaml) => Assert.Single(Errors(yaml));

    /// <summary>The errors <see cref="SweepPlan.Build"/> refuses the sweep with.</summary>
    public IReadOnlyList<string> PlanErrors(string yaml) =>
        [.. Assert.Throws<ScenarioValidationException>(() => SweepPlan.Build(Load(yaml))).Errors.Select(e => e.ToString())];

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
