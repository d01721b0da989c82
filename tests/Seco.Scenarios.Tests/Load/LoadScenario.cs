using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Load;

/// <summary>The MLP at split 1 on one tier (B, C), LAN, Fashion-MNIST images, under a given <c>load</c> section.</summary>
internal static class LoadScenario
{
    public static Scenario Load(string name, int count, string load, string model = "mlp.onnx", int split = 1, string extra = "") =>
        ScenarioLoader.Load($$"""
            version: 1
            name: {{name}}
            model: ../models/{{model}}
            split: {{split}}
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            network: { profile: lan }
            queries:
              count: {{count}}
              input:
                images: ../models/fashion-mnist-test-1000-images-idx3-ubyte
            load: {{load}}
            {{extra}}
            """, $"scenarios/{name}.yaml", Path.Combine(TestHost.Root, "scenarios"));
}
