namespace Seco.Scenarios.Tests;

/// <summary>Scenario texts shared by the tests. Line numbers matter: error tests assert them.</summary>
public static class Yaml
{
    /// <summary>The smallest valid scenario (with <see cref="ScenarioFolder"/>'s files).</summary>
    public const string Minimal = """
        version: 1
        model: ../models/minionn.onnx
        split: 0
        hierarchy:
          tiers:
            - name: remote
              servers: [B, C]
        """;

    /// <summary>Every key set.</summary>
    public const string Full = """
        version: 1
        name: full-example
        description: every key set
        model:
          path: ../models/minionn.onnx
          fractional_bits: 12
        split: 2
        hierarchy:
          gateway: { name: G }
          tiers:
            - name: first
              servers: [B, C, D]
              garbler: C
              evaluator: D
            - name: second
              servers: [E, F]
        network:
          profile: wan
          latency_ms: 20
          bandwidth_mbps: 250.5
          links:
            - between: [user, G]
              latency_ms: 60
            - between: [C, B]
              bandwidth_mbps: 10000
              latency_ms: 0.1
        queries:
          count: 500
          input:
            images: ../models/images-idx3-ubyte
            labels: ../models/labels-idx1-ubyte
            offset: 100
        crypto:
          preset: test-4096
        seed: 18446744073709551615
        workload: inference
        parties:
          user: { cpu_slowdown: 4, nic_mbps: 50 }
          C: { nic_mbps: 1000 }
        failures:
          - { at_ms: 120, stop: B }
          - { at_ms: 50.5, drop_link: [G, C] }
        """;

    /// <summary>The smallest valid echo scenario: no model, split or crypto.</summary>
    public const string Echo = """
        version: 1
        workload: echo
        hierarchy:
          tiers:
            - name: remote
              servers: [B, C]
        """;
}
