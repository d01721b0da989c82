using Seco.Actors.Runtime;
using Seco.Scenarios.Running;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Baselines;

/// <summary>
/// Issue 21: <c>protocol: delphi</c> — DELPHI between the user and the gateway for the whole model (SECO at l = L, the
/// paper's §VIII-C-1-a baseline): the loader's rules, the split the run takes, and a run that is bit-exact against the
/// plaintext reference with no message to or from a remote server.
/// </summary>
public class DelphiScenarioTests
{
    private static Scenario Load(string body, string name = "delphi") =>
        ScenarioLoader.Load($"version: 1\nname: {name}\n{body}", $"scenarios/{name}.yaml", Path.Combine(TestHost.Root, "scenarios"));

    private const string Tiers = "hierarchy:\n  tiers:\n    - name: remote\n      servers: [B, C]\n";

    [Fact]
    public void Seco_is_the_default_and_each_name_reads_as_its_protocol()
    {
        Assert.Equal(InferenceProtocol.Seco, Load("model: ../models/mlp.onnx\nsplit: 1\n" + Tiers).Protocol);
        Assert.Equal(InferenceProtocol.Seco, Load("protocol: seco\nmodel: ../models/mlp.onnx\nsplit: 1\n" + Tiers).Protocol);
        Assert.Equal(InferenceProtocol.Delphi, Load("protocol: delphi\nmodel: ../models/mlp.onnx\n" + Tiers).Protocol);
    }

    [Fact]
    public void Delphi_refuses_a_split_because_it_runs_every_block_on_the_gateway()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => Load("protocol: delphi\nmodel: ../models/mlp.onnx\nsplit: 1\n" + Tiers));
        ScenarioError error = Assert.Single(e.Errors);
        Assert.Equal("split", error.Path);
        Assert.Contains("not used by protocol delphi", error.Message);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void An_unknown_protocol_is_an_error_at_protocol_with_a_spelling_hint()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => Load("protocol: delphy\nmodel: ../models/mlp.onnx\nsplit: 1\n" + Tiers));
        ScenarioError error = Assert.Single(e.Errors);
        Assert.Equal("protocol", error.Path);
        Assert.Contains("unknown protocol 'delphy'", error.Message);
        Assert.Contains("did you mean 'delphi'", error.Message);
    }

    [Fact]
    public void The_echo_workload_refuses_a_protocol()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => Load("workload: echo\nprotocol: delphi\n" + Tiers));
        Assert.Contains(e.Errors, x => x.Path == "protocol" && x.Message.Contains("not used by the echo workload"));
    }

    [Fact]
    public void Admission_gives_a_delphi_scenario_the_models_block_count_as_its_split()
    {
        AdmittedRun admitted = RunAdmission.Admit(Load("protocol: delphi\nmodel: ../models/minionn.onnx\n" + Tiers));
        Assert.Equal(admitted.Prepared!.FixedModel.Blocks.Count, admitted.Scenario.Split);
        Assert.Equal(admitted.Scenario, admitted.Prepared.Scenario);
        Assert.True(admitted.Budget!.Queries > 0);
    }

    [Fact]
    public void A_delphi_run_is_bit_exact_and_no_remote_server_sends_or_receives_a_byte()
    {
        Scenario s = Load("protocol: delphi\nmodel: ../models/minionn.onnx\n" + Tiers +
                          "queries:\n  count: 2\n  input:\n    images: ../models/fashion-mnist-test-1000-images-idx3-ubyte\n");
        SecureRunResult run = SecureRun.Run(RunAdmission.Admit(s).Prepared!, timing: ComputeTiming.ChargedOnly);
        Assert.Equal(2, run.Queries.Count(q => q.BitExact));
        Assert.Equal(0, run.Parameters.Depth);
        Assert.All(run.Simulator.Messages, m => Assert.True(m.From is "user" or "A" && m.To is "user" or "A", $"{m.From} → {m.To}"));
        Assert.Contains(run.Simulator.Messages, m => m.From == "A" && m.To == "user" && m.Phase == "online");
        foreach (string server in new[] { "B", "C" })
        {
            Seco.Actors.Simulation.PartyReport p = run.Report.Parties.Single(x => x.Party == server);
            Assert.Equal(0, p.BytesSent + p.BytesReceived);
        }
    }

    [Fact]
    public void Delphi3_runs_one_tier_of_two_and_refuses_other_hierarchies_at_hierarchy_tiers()
    {
        Assert.Equal(InferenceProtocol.Delphi3, Load("protocol: delphi-3\nmodel: ../models/mlp.onnx\nsplit: 1\n" + Tiers).Protocol);
        Scenario wide = Load("protocol: delphi-3\nmodel: ../models/mlp.onnx\nsplit: 1\nhierarchy:\n  tiers:\n    - name: remote\n      servers: [B, C, D]\n");
        ScenarioError error = Assert.Single(ScenarioRequirements.CheckSupported(wide));
        Assert.Equal("hierarchy.tiers", error.Path);
        Assert.Contains("protocol delphi-3 runs one remote tier of two servers", error.Message);
        Assert.Contains("one tier of 3", error.Message);
        Assert.Throws<ScenarioValidationException>(() => RunAdmission.Admit(wide));
    }

    [Fact]
    public void A_delphi3_run_is_bit_exact_and_the_gateway_evaluates_online_while_in_seco_it_sends_only_the_transition()
    {
        const string body = "model: ../models/minionn.onnx\nsplit: 1\n" + Tiers +
                            "queries:\n  count: 2\n  input:\n    images: ../models/fashion-mnist-test-1000-images-idx3-ubyte\n";
        SecureRunResult delphi3 = SecureRun.Run(RunAdmission.Admit(Load("protocol: delphi-3\n" + body)).Prepared!, timing: ComputeTiming.ChargedOnly);
        SecureRunResult seco = SecureRun.Run(RunAdmission.Admit(Load(body)).Prepared!, timing: ComputeTiming.ChargedOnly);
        Assert.Equal(2, delphi3.Queries.Count(q => q.BitExact));
        Assert.Equal(2, seco.Queries.Count(q => q.BitExact));
        Assert.Equal(Seco.Protocol.Model.FbcProtocol.Delphi3, delphi3.Parameters.Protocol);

        // Online, A receives B's and C's labels and hands every activation back to both; C never receives a garbled table.
        var online = delphi3.Simulator.Messages.Where(m => m.Phase == "online").ToList();
        Assert.Contains(online, m => m.From == "B" && m.To == "A");
        Assert.Contains(online, m => m.From == "C" && m.To == "A");
        Assert.Contains(online, m => m.From == "A" && m.To == "C");
        Assert.DoesNotContain(delphi3.Simulator.Messages, m => m.From == "B" && m.To == "C" && m.Kind == "seco.garbled-circuits");
        // In SECO, A sends the servers only the transition (x_{l+1} − r_{l+1}, one message to each per query) online.
        Assert.Equal(4, seco.Simulator.Messages.Count(m => m.Phase == "online" && m.From == "A" && m.To is "B" or "C"));
        Assert.True(online.Count(m => m.From == "A" && m.To is "B" or "C") > 4);
    }
}
