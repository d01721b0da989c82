using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// D12: each OT batch is served once. The user's labels from A cover every block in one batch numbered 0 — a
/// renumbered copy would serve the same wires twice (issue 18's review). A's labels and the tier servers' mask labels
/// come a block per batch since issue 20: the block names the wires, each served once.
/// </summary>
public class OtLedgerTests
{
    [Theory]
    [InlineData(OtPurpose.UserLabels)]
    public void An_offline_batch_is_numbered_0_and_served_once(OtPurpose purpose)
    {
        var ledger = new OtLedger();
        var e = Assert.Throws<ProtocolViolationException>(() => ledger.Claim(new OtRequest(3, purpose, 1, [])));
        Assert.Contains("names block 1: that batch covers every block and is numbered 0", e.Message);
        ledger.Claim(new OtRequest(3, purpose, 0, []));
        Assert.Throws<ProtocolViolationException>(() => ledger.Claim(new OtRequest(3, purpose, 0, [])));
        ledger.Claim(new OtRequest(4, purpose, 0, [])); // another query's batch
    }

    [Theory]
    [InlineData(OtPurpose.EvaluatorShare)]
    [InlineData(OtPurpose.ProviderLabels)] // A's labels, one batch per ReLU block since issue 20: the block names the wires
    [InlineData(OtPurpose.EvaluatorMasks)] // a tier server's mask labels, likewise
    public void A_per_block_batch_is_served_once_per_block(OtPurpose purpose)
    {
        var ledger = new OtLedger();
        ledger.Claim(new OtRequest(0, purpose, 2, []));
        ledger.Claim(new OtRequest(0, purpose, 3, []));
        Assert.Throws<ProtocolViolationException>(() => ledger.Claim(new OtRequest(0, purpose, 2, [])));
    }
}
