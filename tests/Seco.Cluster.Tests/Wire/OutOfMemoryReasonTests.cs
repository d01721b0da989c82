using Seco.Cluster.Wire;
using Xunit;

namespace Seco.Cluster.Tests.Wire;

/// <summary>
/// Issue 21: DELPHI's user on ResNet-32 with a 2 GiB memory_limit runs out of memory decoding A's garbled layers. That
/// is the receiver's limit, not a malformed message: the reason must say so instead of blaming the sender.
/// </summary>
public class OutOfMemoryReasonTests
{
    [Fact]
    public void A_body_this_process_could_not_hold_is_reported_as_its_own_memory_not_the_senders_fault()
    {
        var oom = new ReceivedSecoMessage("seco.garbled-circuits", 180_000_000, null, "out of memory decoding 'seco.garbled-circuits'", 0) { OutOfMemory = true };
        Assert.Equal("this process ran out of memory decoding the gateway's 'seco.garbled-circuits' of 180,000,000 bytes: its memory_limit (or the machine) is too small for this model and split",
            oom.Why("the gateway"));
        Assert.True(oom.IsMalformed); // no message to hand on, whatever the reason

        var bad = new ReceivedSecoMessage("seco.garbled-circuits", 12, null, "malformed 'seco.garbled-circuits': truncated", 0);
        Assert.Equal("B sent a malformed message: malformed 'seco.garbled-circuits': truncated", bad.Why("B"));
    }
}
