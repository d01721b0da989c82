using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>Who may send what: a role rejects a message from any party the protocol does not route it from.</summary>
internal static class Senders
{
    public static void Expect(Party from, SecoMessage message, params Party[] allowed)
    {
        if (!allowed.Contains(from))
            throw new ProtocolViolationException($"{message.GetType().Name} must come from {string.Join(" or ", allowed)}, not {from}");
    }
}
