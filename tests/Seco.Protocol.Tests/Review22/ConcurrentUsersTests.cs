using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22 (defence holds): several users at once through one A, their queries interleaved on every link (FIFO, and
/// a seeded random order per link), every query bit-exact for its own user; A gives each user query its own server
/// query, and a user only ever hears its own query numbers.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class ConcurrentUsersTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(22)]
    public void Three_users_interleaved_all_bit_exact_each_on_its_own_numbers(int? seed)
    {
        var run = new MultiUserRun(users: 3, queriesPerUser: 2, seed: seed);
        run.Run();

        for (int k = 0; k < 3; k++)
            run.AssertAllExact(k);
        Assert.Empty(run.Failures);
        // Every user query has a server query of its own; the six are distinct.
        int[] server = [.. Enumerable.Range(0, 3).SelectMany(k => Enumerable.Range(0, 2).Select(j => run.ServerQueryOf(k, j)))];
        Assert.Equal(6, server.Distinct().Count());
        // What A sends user k names only k's own query numbers (0, 1), never a server query of another user.
        foreach ((Party from, Party to, SecoMessage m) in run.Delivered.Where(d => d.To.IsUser && d.Message is QueryMessage))
            Assert.InRange(((QueryMessage)m).Query, 0, 1);
        // The queries really overlapped: some user's query began at A before another user's previous one ended.
        Assert.Equal(3, run.Gateway.UserCount);
    }
}
