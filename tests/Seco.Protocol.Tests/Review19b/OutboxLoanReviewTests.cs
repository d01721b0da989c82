using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review19b;

/// <summary>
/// Security review 19b: an outbox's loans give pooled arrays back; a loan run twice returns its arrays twice, and two
/// later renters then share one array (one party's message overwritten by another's).
/// </summary>
[Trait("Category", "SecurityReview19b")]
public class OutboxLoanReviewTests
{
    [Fact]
    public void A_loan_that_throws_neither_keeps_the_others_from_running_nor_lets_a_second_dispose_repeat_any()
    {
        int first = 0, third = 0;
        var outbox = new Outbox();
        outbox.Lend(() => first++);
        outbox.Lend(() => throw new InvalidOperationException("a loan failing"));
        outbox.Lend(() => third++);

        Assert.Throws<InvalidOperationException>(outbox.Dispose);
        Assert.Equal((1, 1), (first, third));   // every other loan still went back
        outbox.Dispose();                        // e.g. a host's using after an explicit dispose
        Assert.Equal((1, 1), (first, third));   // and none went back twice
    }

    [Fact]
    public void A_loan_that_disposes_its_own_outbox_runs_no_loan_twice()
    {
        int given = 0;
        var outbox = new Outbox();
        outbox.Lend(() => given++);
        outbox.Lend(outbox.Dispose);
        outbox.Lend(() => given += 10);
        outbox.Dispose();
        Assert.Equal(11, given);
    }
}
