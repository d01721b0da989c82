using System.Collections.Concurrent;
using Seco.Cluster.Configuration;
using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.ManyUsers;

/// <summary>
/// Issue 22's acceptance in the one-machine Akka cluster: many users through the gateway's door at once share one run
/// (one server session: the servers' keys and OT made once), each in a session of its own at A; every user's
/// prediction is bit-exact against its own image's reference, and one user's failure leaves the others finishing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ManyUsersClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thirty_two_users_at_once_each_get_their_own_bit_exact_prediction()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 32);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        var log = new ConcurrentQueue<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = log.Enqueue });
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);
        long[][] reference = [.. prepared.Queries.Select(q => FixedPointReference.Forward(prepared.FixedModel, q.Input).Logits)];
        // Different images, so a reply that reached the wrong user would show as another image's logits.
        Assert.Equal(32, reference.Select(r => string.Join(',', r)).Distinct().Count());

        UserSessionResult[] users = await cluster.RunUsersAsync([.. inputs.Select(i => new[] { i })]).WaitAsync(TimeSpan.FromMinutes(8));
        foreach (string line in log) output.WriteLine(line);

        for (int u = 0; u < 32; u++)
        {
            Assert.Null(users[u].SessionFailure);
            UserQueryResult q = Assert.Single(users[u].Queries);
            Assert.Null(q.Failure);
            Assert.Equal(reference[u], q.Logits!.Select(PrimeField.ToSigned).ToArray());
        }
        // One run for all: the servers made their keys once, and the gateway gave 32 user sessions in it.
        Assert.All(cluster.Hosts, n => Assert.Single(n.Runs));
        Assert.Equal(32, log.Count(l => l.Contains("admitted (run 1)", StringComparison.Ordinal)));
        Assert.Equal(32, Enumerable.Range(0, 32).Count(u => log.Any(l => l.Contains($"(session {u}) admitted", StringComparison.Ordinal))));
        // They were in session together: every user was admitted before the first one left.
        string[] lines = [.. log];
        int lastAdmitted = Array.FindLastIndex(lines, l => l.Contains("admitted (run 1)", StringComparison.Ordinal));
        int firstLeft = Array.FindIndex(lines, l => l.Contains(") left (run 1)", StringComparison.Ordinal));
        Assert.True(lastAdmitted < firstLeft, "a user left before the last one came in");
    }

    [Fact]
    public async Task A_failure_in_one_users_session_leaves_the_others_finishing()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 6);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        var log = new ConcurrentQueue<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = log.Enqueue });
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);

        // User 0 hangs up in the middle of its query; the hostile client sends a frame that is not SECO once its session
        // is open; users 1..4 run two queries each and must all finish bit-exact.
        using var hangUp = new CancellationTokenSource();
        Task<UserSessionResult> leaver = Task.Run(() => UserClient.RunAsync(cluster.User, split.Parameters.ForUser(), [inputs[0]],
            e => { if (e is OnlineStarted) hangUp.Cancel(); }, hangUp.Token));
        Task<UserSessionResult[]> others = cluster.RunUsersAsync([.. Enumerable.Range(1, 4).Select(u => new[] { inputs[u], inputs[5] })]);
        string? hostileReason = await SendGarbage(cluster);

        UserSessionResult[] finished = await others.WaitAsync(TimeSpan.FromMinutes(5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaver);
        foreach (string line in log) output.WriteLine(line);

        Assert.Contains("malformed", hostileReason);
        long[] last = FixedPointReference.Forward(prepared.FixedModel, prepared.Queries[5].Input).Logits;
        for (int u = 0; u < 4; u++)
        {
            Assert.Null(finished[u].SessionFailure);
            Assert.All(finished[u].Queries, q => Assert.Null(q.Failure));
            Assert.Equal(FixedPointReference.Forward(prepared.FixedModel, prepared.Queries[u + 1].Input).Logits,
                finished[u].Queries[0].Logits!.Select(PrimeField.ToSigned).ToArray());
            Assert.Equal(last, finished[u].Queries[1].Logits!.Select(PrimeField.ToSigned).ToArray());
        }
        // Nothing failed the run: one run served everyone, the leaver and the hostile client ended their own sessions.
        Assert.All(cluster.Hosts, n => Assert.Single(n.Runs));
        Assert.DoesNotContain(log, l => l.Contains("run 1 failed", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("(session 0) left (run 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_door_turns_away_a_user_over_max_users_with_a_reason_and_serves_the_others()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 2);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { MaxUsers = 2 });
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);

        Task<UserSessionResult[]> two = cluster.RunUsersAsync([[inputs[0]], [inputs[1]]]);
        await Task.Delay(TimeSpan.FromSeconds(1));
        UserSessionResult third = await cluster.RunUserAsync([inputs[0]]);
        Assert.Equal("the gateway serves at most 2 users at once and is full; try again later", third.SessionFailure);
        Assert.All(await two.WaitAsync(TimeSpan.FromMinutes(3)), u => Assert.Null(u.SessionFailure));
        // Once they have left, the next user is served (in a new run: the last user leaving ended the first).
        UserSessionResult later = await cluster.RunUserAsync([inputs[1]]);
        Assert.Null(later.Queries[0].Failure);
    }

    [Fact]
    public async Task When_the_key_set_is_spent_newcomers_wait_for_a_new_run_with_new_keys()
    {
        // A key set of two queries. An idle client holds run 1 open; two users spend its key set; a third user then
        // waits (it is not admitted into a run that cannot serve it) until run 1 ends, and is served in run 2 under new keys.
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 3, budget: 2);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        var log = new ConcurrentQueue<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = log.Enqueue });
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);

        System.Net.Security.SslStream idle = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        Assert.True(SpinWait.SpinUntil(() => log.Any(l => l.Contains("(session 0) admitted (run 1)", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        UserSessionResult[] two = await cluster.RunUsersAsync([[inputs[0]], [inputs[1]]]).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Contains(log, l => l.Contains("key set's queries are spent", StringComparison.Ordinal));

        Task<UserSessionResult> third = cluster.RunUserAsync([inputs[2]]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(third.IsCompleted, "the third user was served (or refused) under a spent key set");
        Assert.DoesNotContain(log, l => l.Contains("run 2", StringComparison.Ordinal));
        await idle.DisposeAsync(); // the last user of run 1 leaves
        UserSessionResult served = await third.WaitAsync(TimeSpan.FromMinutes(3));
        foreach (string line in log) output.WriteLine(line);

        for (int u = 0; u < 3; u++)
        {
            UserSessionResult r = u < 2 ? two[u] : served;
            Assert.Null(r.Queries[0].Failure);
            Assert.Equal(FixedPointReference.Forward(prepared.FixedModel, prepared.Queries[u].Input).Logits, r.Queries[0].Logits!.Select(PrimeField.ToSigned).ToArray());
        }
        // The third user was admitted into run 2, which every server started with new roles (new keys).
        Assert.Contains(log, l => l.Contains("(session 0) admitted (run 2)", StringComparison.Ordinal));
        Assert.All(cluster.Hosts, n => Assert.Equal([1L, 2L], n.Runs.Keys.Order()));
    }

    [Fact]
    public async Task Users_who_stay_past_the_deadline_on_a_spent_key_set_are_told_to_join_again()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 1, budget: 1);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        var log = new ConcurrentQueue<string>();
        var failure = FailureSettings.Default with { QueryDeadline = TimeSpan.FromSeconds(10) };
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = log.Enqueue, Failure = failure });

        await using System.Net.Security.SslStream idle = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        UserSessionResult user = await cluster.RunUserAsync(LoopbackCluster.InputsOf(prepared)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Null(user.Queries[0].Failure);
        // The idle client never leaves: the deadline after the key set was spent ends the run, and it hears why.
        byte[]? closing = await DoorProbe.ReadUntilClosedFrame(idle, TimeSpan.FromSeconds(40));
        foreach (string line in log) output.WriteLine(line);
        Assert.NotNull(closing);
        Assert.Equal("the gateway's key set is spent and a new one is due; join again", DoorFrames.ClosedReason(closing!));
        Assert.Contains(log, l => l.Contains("run 1: ended (its key set's queries are spent and its users did not leave within 10 s)", StringComparison.Ordinal));
    }

    /// <summary>
    /// A client with the pinned user's certificate that, once admitted into the run the others are in, sends a frame that
    /// is not SECO: the reason the door closes its session with.
    /// </summary>
    private static async Task<string?> SendGarbage(LoopbackDeployment cluster)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var tls = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        await DoorFrames.WriteAsync(tls, System.Security.Cryptography.RandomNumberGenerator.GetBytes(300), default);
        byte[]? closing = await DoorProbe.ReadUntilClosedFrame(tls, TimeSpan.FromSeconds(60));
        return closing is null ? null : DoorFrames.ClosedReason(closing);
    }
}
