using Seco.MessagePack;

namespace Seco.Protocol.Crypto;

/// <summary>
/// Message payloads a role writes into arrays rented from <see cref="ExactArrayPool.Shared"/> (serialized ciphertexts,
/// OT matrices and replies) and lends to the outbox that sends them, so they return once encoded (issue 19: each was
/// a fresh large-object array per message, and fresh memory page-faults on our VMs).
/// </summary>
public static class PooledPayloads
{
    /// <summary>An exact-length array for a payload (pass as an allocator).</summary>
    public static byte[] Rent(int length) => ExactArrayPool.Shared.Rent(length);

    /// <summary>Gives payloads back: for an outbox's loan (<see cref="Roles.Outbox.Lend"/>), run once their message is encoded.</summary>
    public static Action GiveBack(params byte[][] payloads) => () =>
    {
        foreach (byte[] b in payloads) ExactArrayPool.Shared.Return(b);
    };
}
