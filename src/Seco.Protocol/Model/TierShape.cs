namespace Seco.Protocol.Model;

/// <summary>
/// Remote tier <see cref="Tier"/> of the hierarchy (docs/hierarchy.md): <see cref="Servers"/> servers hold additive
/// shares of F_BC's consecutive segment of blocks <see cref="FirstBlock"/>..<see cref="LastBlock"/> and share one
/// collective key with A. Server 0 garbles the segment's ReLU circuits, server 1 evaluates them, the others provide
/// their shares by OT. Tier 1's input mask is the user's r_{l+1}; tier t+1's is shared by A and tier t's servers.
/// </summary>
public sealed record TierShape(int Tier, int Servers, int FirstBlock, int LastBlock)
{
    /// <summary>The tier's blocks in order.</summary>
    public IEnumerable<int> Blocks => Enumerable.Range(FirstBlock, LastBlock - FirstBlock + 1);

    public int BlockCount => LastBlock - FirstBlock + 1;

    public bool Contains(int block) => block >= FirstBlock && block <= LastBlock;

    /// <summary>The tier's servers in position order: its garbler (server 0), its evaluator (server 1), then its providers.</summary>
    public IEnumerable<Roles.Party> ServerPositions => Enumerable.Range(0, Servers).Select(j => Roles.Party.Server(Tier, j));
}

/// <summary>How a scenario lays F_BC out: per remote tier, its width k_t and how many consecutive blocks it holds.</summary>
public sealed record TierSpec(int Servers, int Blocks)
{
    /// <summary>
    /// The tiers a hierarchy asks for, as the protocol lays them out: each tier's width and its consecutive F_BC blocks
    /// (given for every tier, or an even share, <see cref="SecoParameters.EvenTiers"/>); null when split
    /// <paramref name="split"/> leaves F_BC empty. Shared by scenarios (<c>hierarchy.tiers</c>) and `seco split --tiers`.
    /// </summary>
    /// <param name="tiers">Per tier its width and, when every tier says, how many blocks it holds.</param>
    /// <exception cref="ArgumentException">The tiers cannot hold the blocks the split leaves them (the message says why).</exception>
    public static IReadOnlyList<TierSpec>? Lay(IReadOnlyList<(int Servers, int? Blocks)> tiers, int split, int blockCount)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        int remote = blockCount - split;
        if (remote <= 0)
            return null;
        if (tiers.All(t => t.Blocks is not null))
        {
            int sum = tiers.Sum(t => t.Blocks!.Value);
            if (sum != remote)
                throw new ArgumentException(
                    $"the tiers hold {sum} blocks ({string.Join(" + ", tiers.Select(t => t.Blocks))}), but split {split} leaves {remote} of the model's {blockCount} blocks to them");
            return [.. tiers.Select(t => new TierSpec(t.Servers, t.Blocks!.Value))];
        }
        if (tiers.Count > remote)
            throw new ArgumentException($"{tiers.Count} remote tiers need at least {tiers.Count} blocks, but split {split} leaves {remote} of the model's {blockCount}");
        return SecoParameters.EvenTiers([.. tiers.Select(t => t.Servers)], remote);
    }
}
