using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.MessagePack;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Roles;
using static Seco.Protocol.Model.Deployment.PartyFileFormat;

namespace Seco.Protocol.Model.Deployment;

/// <summary>The files of one split, in memory: the deployment id and each party's file bytes.</summary>
public sealed record EncodedDeployment(string DeploymentId, IReadOnlyDictionary<Party, byte[]> Files);

/// <summary>One party file as written: where, how many bytes, and the SHA-256 of those bytes (64 hex digits).</summary>
public sealed record WrittenPartyFile(Party Party, string Path, long Bytes, string Sha256);

/// <summary>The files <see cref="PartyFiles.Write"/> wrote, in the order of <see cref="PartyFiles.Parties"/>.</summary>
public sealed record WrittenDeployment(string DeploymentId, IReadOnlyList<WrittenPartyFile> Files);

/// <summary>
/// The model owner's side of a cluster deployment: a <see cref="ModelSplit"/> written as one file per party, so that no
/// party holds more than its part (D9, D10): A gets F_A, every server of every remote tier its share of its tier's
/// blocks of F_BC, the user F_A's architecture only. <see cref="PartyFile"/> reads them back. The layout is in
/// <see cref="PartyFileFormat"/>.
/// </summary>
public static class PartyFiles
{
    /// <summary>The parties of a deployment in the order files are written and listed: the gateway, every server tier by tier, the user.</summary>
    public static IReadOnlyList<Party> Parties(SecoParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [Party.Gateway, .. parameters.Servers, Party.User];
    }

    /// <summary>gateway.party, user.party, and {slug}.party for a server: t1s0.party (tier 1's garbler), t2s1.party, ….</summary>
    public static string FileName(Party party) => $"{party.Slug}.party";

    /// <summary>Whether the file holds key material (weights or weight shares): written readable by the owner only (0600).</summary>
    public static bool HoldsSecrets(Party party) => !party.IsUser;

    /// <summary>The files of <paramref name="split"/> (<see cref="Parties"/>), under a fresh deployment id.</summary>
    public static EncodedDeployment Encode(ModelSplit split, DeploymentSource source) =>
        Encode(split, source, (Func<SharedFields, BlockShape[], TierSpec[], (SharedFields, BlockShape[], TierSpec[])>?)null);

    /// <param name="tamper">Tests only: changes the shared fields and F_BC's shapes before the id and the commitment are
    /// computed, so the file is authentic but inconsistent (the loader's consistency checks must catch it).</param>
    internal static EncodedDeployment Encode(ModelSplit split, DeploymentSource source, Func<SharedFields, BlockShape[], (SharedFields, BlockShape[])>? tamper) =>
        Encode(split, source, tamper is null ? null : (s, r, t) => { (s, r) = tamper(s, r); return (s, r, t); });

    /// <param name="tamper">Tests only: changes the shared fields, F_BC's shapes and the tiers before the id and the
    /// commitment are computed, so the file is authentic but inconsistent (the loader's checks must catch it).</param>
    internal static EncodedDeployment Encode(ModelSplit split, DeploymentSource source,
        Func<SharedFields, BlockShape[], TierSpec[], (SharedFields, BlockShape[], TierSpec[])>? tamper)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(source.ModelSha256);
        ArgumentNullException.ThrowIfNull(source.CryptoPreset);
        if (source.ModelSha256.Length != HashBytes)
            throw new ArgumentException($"a SHA-256 has {HashBytes} bytes, not {source.ModelSha256.Length}", nameof(source));
        if (source.FractionalBits is < 1 or > FixedPointFormat.MaxFractionalBits)
            throw new ArgumentException($"fractional bits must be 1..{FixedPointFormat.MaxFractionalBits}, not {source.FractionalBits}", nameof(source));
        if (!IsPresetName(source.CryptoPreset))
            throw new ArgumentException($"a crypto preset name has 1..{MaxPresetNameLength} characters of a-z, 0-9, '.', '_', '-'", nameof(source));

        SecoParameters p = split.Parameters;
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        BlockShape[] remote = [.. p.Blocks.Skip(p.Split)];
        TierSpec[] tiers = TiersOf(p);
        UserView view = p.ForUser();
        var shared = new SharedFields(nonce, [.. source.ModelSha256], source.FractionalBits, source.CryptoPreset, p.Context.N, p.Context.PlainModulus.Value,
            [.. p.Context.ParameterHash], p.Split, p.Budget.Queries, view.InputSize, view.TransitionShape, view.OutputSize, [.. view.GatewayBlocks], [], view.Residual);
        if (tamper is not null)
            (shared, remote, tiers) = tamper(shared, remote, tiers);
        // The commitment's own key, not the shared nonce: the user's file carries the nonce (issue 18's review).
        byte[] key = RandomNumberGenerator.GetBytes(NonceBytes);
        shared = shared with { RemoteCommitment = RemoteCommitment(key, remote, tiers) };
        byte[] id = shared.Id();

        IEnumerable<(int, ulong[], ulong[], ulong[])> Blocks(int first, int last, Func<int, ulong[]> weights, Func<int, ulong[]> bias, Func<int, ulong[]> shortcut) =>
            Enumerable.Range(first, Math.Max(0, last - first + 1)).Select(i => (i, weights(i), bias(i), shortcut(i)));
        var files = new Dictionary<Party, byte[]>();
        foreach (Party party in Parties(p))
        {
            IEnumerable<(int, ulong[], ulong[], ulong[])> blocks = [];
            if (party.IsGateway)
                blocks = Blocks(1, p.Split, split.Gateway.Weights, split.Gateway.Bias, split.Gateway.ShortcutWeights);
            else if (party.IsServer)
            {
                TierShape tier = p.Tier(party.Tier);
                RemoteShare share = split.Share(party);
                blocks = Blocks(tier.FirstBlock, tier.LastBlock, share.Weights, share.Bias, share.ShortcutWeights);
            }
            files[party] = EncodeFile(party, p, shared, id, remote, tiers, key, blocks);
        }
        return new EncodedDeployment(Convert.ToHexStringLower(id), files);
    }

    /// <summary>
    /// Writes the files (<see cref="Parties"/>) into <paramref name="outDir"/> (made if missing): each is written to a
    /// temporary file first, created with mode 0600 for the key-share files and 0644 for the user's (Unix; subject to the
    /// umask), then renamed into place. Without <paramref name="overwrite"/> nothing is written if any of them exists.
    /// </summary>
    /// <exception cref="IOException">A file exists (without <paramref name="overwrite"/>), or writing failed.</exception>
    public static WrittenDeployment Write(ModelSplit split, DeploymentSource source, string outDir, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(split);
        EncodedDeployment encoded = Encode(split, source);
        IReadOnlyList<Party> parties = Parties(split.Parameters);
        Directory.CreateDirectory(outDir);
        var targets = parties.ToDictionary(party => party, party => Path.Combine(outDir, FileName(party)));
        if (!overwrite && targets.Values.FirstOrDefault(t => File.Exists(t) || Directory.Exists(t)) is { } existing)
            throw new IOException($"{existing} already exists");

        var temporaries = new Dictionary<Party, string>();
        try
        {
            foreach (Party party in parties)
            {
                string temporary = Path.Combine(outDir, $".{FileName(party)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = HoldsSecrets(party) ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                using var stream = new FileStream(temporary, options);
                temporaries[party] = temporary;
                stream.Write(encoded.Files[party]);
                stream.Flush(flushToDisk: true);
            }
            // A failure between two renames leaves files of two deployments side by side; their ids differ, so the
            // parties refuse to work together.
            foreach (Party party in parties)
            {
                File.Move(temporaries[party], targets[party], overwrite);
                temporaries.Remove(party);
            }
        }
        finally
        {
            foreach (string temporary in temporaries.Values)
                File.Delete(temporary);
        }
        return new WrittenDeployment(encoded.DeploymentId, [.. parties.Select(party => new WrittenPartyFile(party, targets[party],
            encoded.Files[party].Length, Convert.ToHexStringLower(SHA256.HashData(encoded.Files[party]))))]);
    }

    private static byte[] EncodeFile(Party party, SecoParameters p, SharedFields shared, byte[] id, BlockShape[] remote, TierSpec[] tiers, byte[] key,
        IEnumerable<(int Index, ulong[] Weights, ulong[] Bias, ulong[] Shortcut)> blocks)
    {
        var bodyBuffer = new ArrayBufferWriter<byte>();
        var body = new MessagePackWriter(bodyBuffer);
        var list = blocks.ToList();
        body.WriteArrayHeader(3);
        body.WriteInt32(party.Code);
        body.WriteBinary(id);
        body.WriteArrayHeader(list.Count);
        foreach ((int index, ulong[] weights, ulong[] bias, ulong[] shortcut) in list)
        {
            BlockShape shape = p.Block(index);
            int shortcutCount = p.ShortcutForm(index)?.WeightCount ?? 0;
            if (weights.Length != p.Form(index).WeightCount || bias.Length != shape.Rows || shortcut.Length != shortcutCount)
                throw new ArgumentException($"block {index}: {weights.Length} weights, {bias.Length} biases and {shortcut.Length} shortcut weights do not fit its " +
                                            $"{shape.Rows}×{shape.Columns} block ({p.Form(index).WeightCount} weights in its form, {shortcutCount} in its shortcut's)");
            body.WriteArrayHeader(7);
            body.WriteInt32(index);
            WriteResidues(ref body, weights);
            WriteResidues(ref body, bias);
            WriteResidues(ref body, shortcut);
        }
        body.Flush();

        var headerBuffer = new ArrayBufferWriter<byte>();
        var header = new MessagePackWriter(headerBuffer);
        header.WriteArrayHeader(HeaderFields);
        header.WriteInt32(party.Code);
        header.WriteBinary(id);
        shared.Write(ref header);
        if (party.IsUser)
        {
            header.WriteNil(); // the user's file holds nothing of F_BC: not even its block count
            header.WriteNil(); // nor the hierarchy behind A
            header.WriteNil(); // nor the commitment's key, with which it could test guesses of both
        }
        else
        {
            WriteShapes(ref header, remote);
            WriteTiers(ref header, tiers);
            header.WriteBinary(key);
        }
        header.WriteBinary(SHA256.HashData(bodyBuffer.WrittenSpan));
        header.Flush();

        var file = new byte[PrefixBytes + headerBuffer.WrittenCount + bodyBuffer.WrittenCount];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(10), (ulong)file.Length);
        headerBuffer.WrittenSpan.CopyTo(file.AsSpan(PrefixBytes));
        bodyBuffer.WrittenSpan.CopyTo(file.AsSpan(PrefixBytes + headerBuffer.WrittenCount));
        return file;
    }
}
