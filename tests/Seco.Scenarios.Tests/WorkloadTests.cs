namespace Seco.Scenarios.Tests;

/// <summary>The <c>workload</c> key: inference (the default) or echo, its forms, and what echo refuses.</summary>
public sealed class WorkloadTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Yaml.Echo with its "workload: echo" line (line 2) replaced.</summary>
    private string WithWorkload(string workload) => Yaml.Echo.Replace("workload: echo", workload);

    [Fact]
    public void Absent_or_explicit_inference_is_the_inference_workload()
    {
        Assert.Same(InferenceWorkload.Instance, _folder.Load(Yaml.Minimal).Workload);
        Assert.Same(InferenceWorkload.Instance, _folder.Load(Yaml.Minimal + "\nworkload: inference").Workload);
        Assert.Equal(["inference", "echo"], WorkloadSpec.Names);
    }

    [Fact]
    public void Echo_short_form_takes_every_default_and_has_no_model()
    {
        Scenario s = _folder.Load(Yaml.Echo);

        var echo = Assert.IsType<EchoWorkload>(s.Workload);
        Assert.Equal((1024, 1024, 1), (echo.RequestBytes, echo.ReplyBytes, echo.Rounds));
        Assert.Equal(EchoWorkload.Default, echo);
        Assert.Equal("echo", echo.Name);
        Assert.Null(s.Model);
        Assert.Equal(0, s.Split);
        Assert.Same(CryptoPreset.Default, s.Crypto);
        Assert.Same(QuerySpec.Default, s.Queries);
    }

    [Fact]
    public void Echo_mapping_form_reply_defaults_to_the_request_size()
    {
        Scenario s = _folder.Load(WithWorkload("workload:\n  echo:\n    request_bytes: 65536\n    rounds: 2"));
        Assert.Equal(new EchoWorkload(65536, 65536, 2), s.Workload);

        s = _folder.Load(WithWorkload("workload: { echo: { request_bytes: 0, reply_bytes: 268435456, rounds: 1000 } }"));
        Assert.Equal(new EchoWorkload(0, EchoWorkload.MaxBytes, EchoWorkload.MaxRounds), s.Workload);

        s = _folder.Load(WithWorkload("workload: { echo: {} }"));
        Assert.Equal(EchoWorkload.Default, s.Workload);
    }

    [Fact]
    public void Echo_accepts_a_query_count_parties_and_failures()
    {
        Scenario s = _folder.Load(Yaml.Echo + "\nqueries: { count: 3 }\nparties: { user: { cpu_slowdown: 4 } }\nfailures: [{ at_ms: 5, stop: C }]");
        Assert.Equal(3, s.Queries.Count);
        Assert.Same(RandomInput.Instance, s.Queries.Input);
        Assert.Equal(4, s.SettingsOf("user").CpuSlowdown);
        Assert.Equal(new StopParty(5, "C"), Assert.Single(s.Failures));
    }

    [Fact]
    public void Echo_refuses_model_split_and_crypto_at_the_key_without_reading_them()
    {
        // The model file does not exist: only "not used" is reported, not "file not found".
        string yaml = Yaml.Echo + "\nmodel: ../models/none.onnx\nsplit: -1\ncrypto: { preset: huge }";
        Assert.Equal(
        [
            "scenarios/x.yaml:7:1: model: not used by the echo workload; remove it",
            "scenarios/x.yaml:8:1: split: not used by the echo workload; remove it",
            "scenarios/x.yaml:9:1: crypto: not used by the echo workload; remove it",
        ], _folder.Errors(yaml));
    }

    [Fact]
    public void Echo_refuses_query_inputs()
    {
        Assert.Equal("scenarios/x.yaml:9:3: queries.input: not used by the echo workload; remove it",
            _folder.Error(Yaml.Echo + "\nqueries:\n  count: 3\n  input: { random: true }"));
    }

    [Fact]
    public void Inference_still_requires_model_and_split()
    {
        Assert.Equal(
        [
            "scenarios/x.yaml:1:1: model: required key is missing",
            "scenarios/x.yaml:1:1: split: required key is missing",
        ], _folder.Errors(WithWorkload("workload: inference")));
    }

    [Theory]
    [InlineData("workload: ecko", "scenarios/x.yaml:2:11: workload: unknown workload 'ecko' (did you mean 'echo'?)")]
    [InlineData("workload: Inference", "scenarios/x.yaml:2:11: workload: unknown workload 'Inference' (did you mean 'inference'?)")]
    [InlineData("workload: mining", "scenarios/x.yaml:2:11: workload: unknown workload 'mining' (known workloads: inference, echo)")]
    [InlineData("workload: [echo]", "scenarios/x.yaml:2:11: workload: expected a workload name (inference or echo) or a mapping such as { echo: { request_bytes: 1024 } }, got a list")]
    [InlineData("workload:", "scenarios/x.yaml:2:10: workload: expected a workload name (inference or echo) or a mapping such as { echo: { request_bytes: 1024 } }, got an empty value (null)")]
    [InlineData("workload: {}", "scenarios/x.yaml:2:11: workload: expected one workload (inference or echo), got an empty mapping")]
    [InlineData("workload: { echo: {}, inference: {} }", "scenarios/x.yaml:2:11: workload: choose one workload, 'inference' or 'echo', not both")]
    [InlineData("workload: { inference: {} }", "scenarios/x.yaml:2:13: workload.inference: the inference workload has no settings; write 'workload: inference'")]
    [InlineData("workload: { ecoh: { rounds: 2 } }", "scenarios/x.yaml:2:13: workload.ecoh: unknown key (did you mean 'echo'?)")]
    [InlineData("workload: { echo: 5 }", "scenarios/x.yaml:2:19: workload.echo: expected a mapping of echo settings (request_bytes, reply_bytes, rounds), or 'workload: echo' for the defaults, got an integer (5)")]
    [InlineData("workload: { echo: { rounds: \"2\" } }", "scenarios/x.yaml:2:29: workload.echo.rounds: expected an integer, got a quoted string \"2\" (remove the quotes)")]
    [InlineData("workload: { echo: { rounds: 1001 } }", "scenarios/x.yaml:2:29: workload.echo.rounds: out of range: got 1001, must be between 1 and 1000")]
    [InlineData("workload: { echo: { request_bytes: 64KiB } }", "scenarios/x.yaml:2:36: workload.echo.request_bytes: expected an integer, got a string '64KiB'")]
    public void Bad_workloads(string workload, string expected)
    {
        // An unreadable workload does not make model and split "missing": which keys it needs is unknown.
        Assert.Equal(expected, _folder.Error(WithWorkload(workload)));
    }

    [Fact]
    public void Every_bad_echo_setting_is_reported()
    {
        string yaml = WithWorkload("workload:\n  echo:\n    request_bytes: 268435457\n    reply_bytes: -1\n    rounds: 0\n    round: 2");
        Assert.Equal(
        [
            "scenarios/x.yaml:4:20: workload.echo.request_bytes: out of range: got 268435457, must be between 0 and 268435456",
            "scenarios/x.yaml:5:18: workload.echo.reply_bytes: out of range: got -1, must be between 0 and 268435456",
            "scenarios/x.yaml:6:13: workload.echo.rounds: out of range: got 0, must be between 1 and 1000",
            "scenarios/x.yaml:7:5: workload.echo.round: unknown key (did you mean 'rounds'?)",
        ], _folder.Errors(yaml));
    }

    [Fact]
    public void With_an_unreadable_workload_a_given_model_is_still_checked()
    {
        string missing = _folder.Model("none.onnx");
        Assert.Equal(
        [
            "scenarios/x.yaml:2:11: workload: unknown workload 'ecko' (did you mean 'echo'?)",
            $"scenarios/x.yaml:7:8: model: file not found: {missing}",
        ], _folder.Errors(WithWorkload("workload: ecko") + "\nmodel: ../models/none.onnx"));
    }

    [Fact]
    public void Prepare_refuses_an_echo_scenario_at_the_workload_key()
    {
        Scenario s = _folder.Load(Yaml.Echo);
        var e = Assert.Throws<ScenarioValidationException>(() => PreparedScenario.Prepare(s));
        Assert.Equal("scenarios/x.yaml:2:11: workload: needs an inference workload: the echo workload has no model or query inputs to prepare",
            e.Message);
    }
}
