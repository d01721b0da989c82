using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>A small secure-run scenario on the repository's real MLP and images: the MLP at l = 1, three queries, LAN.</summary>
internal static class MlpScenario
{
    /// <param name="extra">More top-level YAML (e.g. a failures section).</param>
    public static Scenario Load(string name, string crypto = "{ preset: seco-8192 }", string extra = "") =>
        ScenarioLoader.Load($$"""
            version: 1
            name: {{name}}
            model: ../models/mlp.onnx
            split: 1
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            network: { profile: lan }
            queries:
              count: 3
              input:
                images: ../models/fashion-mnist-test-1000-images-idx3-ubyte
            crypto: {{crypto}}
            {{extra}}
            """, $"scenarios/{name}.yaml", Path.Combine(TestHost.Root, "scenarios"));
}
