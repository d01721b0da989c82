using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// D12: each OT batch is served once. Every batch names its block — A's labels and the tier servers' mask labels since
/// issue 20, the user's labels from A since issue 21 — and the block names the wires, each served once; the senders
/// check that the block is one they garbled, next in order (OtServedOnceTests, UserLabelsPerBlockTests).
/// </summary>
public class OtLedgerTests
{
    [Theory]
    [InlineData(OtPurpose.EvaluatorShare)]
    [InlineData(OtPurpose.ProviderLabels)] // A's labels, one batch per ReLU block since issue 20: the block names the wires
    [InlineData(OtPurpose.EvaluatorMasks)] // a tier server's mask labels, likewise
    [InlineData(OtPurpose.UserLabels)] // the user's labels from A, a batch per F_A ReLU block since issue 21
    public void A_per_block_batch_is_served_once_per_block(OtPurpose purpose)
    {
        var ledger = new OtLedger();
        ledger.Claim(new OtRequest(0, purpose, 2, []));
        ledger.Claim(new OtRequest(0, purpose, 3, []));
        Assert.Throws<ProtocolViolationException>(() => ledger.Claim(new OtRequest(0, purpose, 2, [])));
        Assert.True(ledger.WasServed(new OtRequest(0, purpose, 3, [])));
        ledger.Forget(0);
        Assert.False(ledger.WasServed(new OtRequest(0, purpose, 3, [])));
    }
}
