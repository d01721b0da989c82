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
}

/// <summary>How a scenario lays F_BC out: per remote tier, its width k_t and how many consecutive blocks it holds.</summary>
public sealed record TierSpec(int Servers, int Blocks);
