using Seco.Scenarios;
using Seco.Tests.Shared;

namespace Seco.Cluster.Tests.Review22c;

/// <summary>Review 22c's scenario: the MLP at split 1 over one tier of two, with a small key-set query budget.</summary>
internal static class Review22cScenarios
{
    public static PreparedScenario MlpWithBudget(int queries, int budget) => PreparedScenario.Prepare(ScenarioLoader.Load($"""
        version: 1
        name: review22c-mlp-budget
        model: ../models/mlp.onnx
        split: 1
        hierarchy:
          tiers:
            - name: remote
              servers: [B, C]
        network: {"{"} profile: lan {"}"}
        queries:
          count: {queries}
          input:
            images: ../models/fashion-mnist-test-1000-images-idx3-ubyte
        crypto: {"{"} preset: seco-8192, query_budget: {budget} {"}"}
        """, "scenarios/review22c-mlp-budget.yaml", Path.Combine(TestHost.Root, "scenarios")));
}
