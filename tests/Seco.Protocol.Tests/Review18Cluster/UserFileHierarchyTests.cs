using Seco.MessagePack;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Deployment;
using Xunit;

namespace Seco.Protocol.Tests.Review18Cluster;

/// <summary>
/// Review of issue 18 (cluster, party files v2): the user's file must hold nothing of the hierarchy behind A
/// (docs/hierarchy.md, "Decisions"; docs/cluster.md, "Model files"). The header binds F_BC's shapes and the tiers into
/// the deployment id through a commitment — which must then hide them from the user, who holds the commitment.
/// </summary>
[Trait("Category", "SecurityReview18Cluster")]
public sealed class UserFileHierarchyTests
{
    /// <summary>The shared nonce and the remote commitment as the user's file carries them (read the way any user could).</summary>
    private static (byte[] Nonce, byte[] Commitment) UserHeader(byte[] file)
    {
        var r = new MessagePackReader(file);
        r.ReadRawBytes(PartyFileFormat.PrefixBytes);
        r.ReadArrayHeader();
        r.Skip(); // party
        r.Skip(); // deployment id
        byte[] nonce = r.ReadBinary().ToArray();
        for (int i = 0; i < 12; i++) r.Skip(); // model hash … F_A's shapes
        byte[] commitment = r.ReadBinary().ToArray();
        return (nonce, commitment);
    }

    /// <summary>Every hierarchy of up to <paramref name="blocks"/> tiers of 2..5 servers over <paramref name="blocks"/> remote blocks.</summary>
    private static IEnumerable<TierSpec[]> Layouts(int blocks)
    {
        if (blocks == 0)
        {
            yield return [];
            yield break;
        }
        for (int first = 1; first <= blocks; first++)
            for (int servers = 2; servers <= 5; servers++)
                foreach (TierSpec[] rest in Layouts(blocks - first))
                    yield return [new TierSpec(servers, first), .. rest];
    }

    /// <summary>
    /// The user brute-forces the hierarchy from its own file: the commitment's nonce is one of the shared fields the
    /// user's file carries, so with F_BC's architecture known or guessed (its first columns are the user's transition
    /// size, its last rows the output size, the hidden sides a small set) every candidate layout can be tried offline.
    /// Exactly the deployment's layout must not be the one that matches.
    /// </summary>
    [Theory]
    [InlineData("2:2,2:1")]
    [InlineData("3:1,2:1,4:1")]
    [InlineData("5:3")]
    public void The_users_file_does_not_let_it_test_a_guess_of_the_hierarchy(string layout)
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 0, layout);
        EncodedDeployment deployment = PartyFiles.Encode(split, PartyFileRoundTripTests.Source("mlp.onnx"));
        (byte[] nonce, byte[] commitment) = UserHeader(deployment.Files[Party.User]);
        BlockShape[] remote = [.. split.Parameters.Blocks.Skip(split.Parameters.Split)];

        TierSpec[][] matching = [.. Layouts(remote.Length).Where(t => PartyFileFormat.RemoteCommitment(nonce, remote, t).AsSpan().SequenceEqual(commitment))];

        Assert.True(matching.Length == 0,
            $"the user's file confirms the hierarchy behind A: {string.Join(", ", matching.Select(m => string.Join(" + ", m.Select(t => $"{t.Servers} servers × {t.Blocks} blocks"))))}");
    }

    /// <summary>The commitment's key is bound too: a server file whose key was changed fails the commitment.</summary>
    [Fact]
    public void An_edited_commitment_key_is_refused()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 0, "2:2,2:1");
        byte[] file = [.. PartyFiles.Encode(split, PartyFileRoundTripTests.Source("mlp.onnx")).Files[Party.Server(2, 1)]];
        int key = PartyFile.BodyOffset(file) - 34 - 16;
        file[key] ^= 1;
        var e = Assert.Throws<PartyFileException>(() => PartyFile.Decode(file, "t2s1.party", Party.Server(2, 1), EndToEndTests.Context.Value));
        Assert.Contains("do not match their commitment", e.Message);
    }

    /// <summary>A user's file that carries a key (or anything) where the commitment's key would be is refused.</summary>
    [Fact]
    public void The_users_file_carries_no_commitment_key()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 0, "2:2,2:1");
        byte[] file = PartyFiles.Encode(split, PartyFileRoundTripTests.Source("mlp.onnx")).Files[Party.User];
        // nil, nil, nil just before the body hash (bin 32: 2 + 32 bytes).
        int end = PartyFile.BodyOffset(file) - 34;
        Assert.Equal(new byte[] { 0xc0, 0xc0, 0xc0 }, file[(end - 3)..end]);
    }

    /// <summary>
    /// The id and the commitment are hashes, not a MAC: whoever edits a file can recompute them. Whatever tier layout
    /// such a file carries, every party's reader refuses it with a <see cref="PartyFileException"/> or reads a
    /// hierarchy that holds together (never another exception), and a server's file is read only as that server's.
    /// </summary>
    [Fact]
    public void Any_authentic_tier_layout_is_read_or_refused_with_a_party_file_exception()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 0, "2:2,2:1");
        var random = new Random(18);
        for (int round = 0; round < 60; round++)
        {
            int depth = random.Next(0, Party.MaxTiers + 1);
            TierSpec[] tiers = [.. Enumerable.Range(0, depth).Select(_ => new TierSpec(random.Next(2, Party.MaxServersPerTier + 1), random.Next(1, 4)))];
            EncodedDeployment edited = PartyFiles.Encode(split, PartyFileRoundTripTests.Source("mlp.onnx"), (sh, r, _) => (sh, r, tiers));
            foreach ((Party party, byte[] bytes) in edited.Files)
            {
                try
                {
                    PartyFileContents read = PartyFile.Decode(bytes, "edited.party", party, EndToEndTests.Context.Value);
                    if (read is RemotePartyFile remote) Assert.Equal(party, remote.Server);
                }
                catch (PartyFileException)
                {
                }
            }
        }
    }
}
