using Seco.Actors.Metering;
using Seco.Actors.Runtime;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Actors.Simulation;
using Seco.Scenarios.Secure;
using Seco.Scenarios.Tests.Secure;

namespace Seco.Scenarios.Tests.Review22d;

/// <summary>
/// Review 22d, the simulator's accounting of <c>parties.&lt;p&gt;.cores</c>: with every party on 8 cores the messages
/// (count, bytes and handlers per party and phase; rounds too where timing is charged only) are those of a 1-core run; a credit never exceeds what was measured and
/// lands only in the phase that holds converted loops (F_BC's preparation), every other phase being charged exactly
/// what it measured; under ChargedOnly the cores change no figure at all.
/// </summary>
public class MultiCoreAccountingTests
{
    private static readonly string Prep = ProtocolPhases.Name(ProtocolPhase.ServerPreprocessing);

    private static Scenario AllOn(int cores) =>
        MlpScenario.Load($"r22d-cores-{cores}", extra: $"parties: {{ A: {{ cores: {cores} }}, B: {{ cores: {cores} }}, C: {{ cores: {cores} }}, user: {{ cores: {cores} }} }}");

    [Fact]
    public void Eight_cores_credit_only_the_phase_with_kernels_never_more_than_measured_and_send_the_same_messages()
    {
        SecureRunResult one = SecureRun.Run(PreparedScenario.Prepare(AllOn(1)), null, ComputeTiming.Measured);
        SecureRunResult eight = SecureRun.Run(PreparedScenario.Prepare(AllOn(8)), null, ComputeTiming.Measured);

        Assert.True(one.AllBitExact && eight.AllBitExact && eight.Queries.Count == 3);
        // Not rounds: with measured compute they follow the timing (which messages a handler has seen when it sends),
        // and a machine under load moved B's online rounds from 4 to 5 between two 1-core runs' worth of timing.
        Assert.Equal(Traffic(one, rounds: false), Traffic(eight, rounds: false));
        bool credited = false;
        foreach (PartyReport party in eight.Report.Parties)
            foreach (PhaseCosts phase in party.Phases)
            {
                Assert.True(phase.ComputeSeconds <= phase.MeasuredComputeSeconds + 1e-9, $"{party.Party} {phase.Phase}: charged {phase.ComputeSeconds} of {phase.MeasuredComputeSeconds} s measured");
                Assert.True(phase.ComputeSeconds >= 0);
                if (phase.Phase != Prep)
                    Assert.Equal(phase.MeasuredComputeSeconds, phase.ComputeSeconds, 9); // no loop ran here: nothing credited
                else
                    credited |= phase.ComputeSeconds < phase.MeasuredComputeSeconds;
            }
        Assert.True(credited, "some party's F_BC preparation was credited");
        foreach (PartyReport party in one.Report.Parties)
            foreach (PhaseCosts phase in party.Phases)
                Assert.Equal(phase.MeasuredComputeSeconds, phase.ComputeSeconds, 9); // one core: exactly what was measured
    }

    [Fact]
    public void Under_charged_only_the_cores_change_no_figure()
    {
        SecureRunResult one = SecureRun.Run(PreparedScenario.Prepare(AllOn(1)), null, ComputeTiming.ChargedOnly);
        SecureRunResult eight = SecureRun.Run(PreparedScenario.Prepare(AllOn(8)), null, ComputeTiming.ChargedOnly);

        Assert.True(one.AllBitExact && eight.AllBitExact);
        Assert.Equal(Traffic(one, rounds: true), Traffic(eight, rounds: true));
        Assert.Equal(Compute(one), Compute(eight));
    }

    private static List<string> Traffic(SecureRunResult run, bool rounds) =>
        [.. run.Report.Parties.SelectMany(p => p.Phases.Select(f =>
            $"{p.Party} {f.Phase}: sent {f.MessagesSent}/{f.BytesSent} received {f.MessagesReceived}/{f.BytesReceived}{(rounds ? $" rounds {f.Rounds}" : "")} handlers {f.Handlers}"))];

    private static List<string> Compute(SecureRunResult run) =>
        [.. run.Report.Parties.SelectMany(p => p.Phases.Select(f => $"{p.Party} {f.Phase}: {f.ComputeSeconds:R} {f.MeasuredComputeSeconds:R}"))];
}
