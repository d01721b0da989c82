using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.MessagePack;
using Seco.Nn.FixedPoint;
using static Seco.Protocol.Model.Deployment.PartyFileFormat;

namespace Seco.Protocol.Model.Deployment;

/// <summary>The four files of one split, in memory: the deployment id and each party's file bytes.</summary>
public sealed record EncodedDeployment(string DeploymentId, IReadOnlyDictionary<PartyKind, byte[]> Files);

/// <summary>One party file as written: where, how many bytes, and the SHA-256 of those bytes (64 hex digits).</summary>
public sealed record WrittenPartyFile(PartyKind Party, string Path, long Bytes, string Sha256);

/// <summary>The files <see cref="PartyFiles.Write"/> wrote, in the order of <see cref="PartyFiles.Parties"/>.</summary>
public sealed record WrittenDeployment(string DeploymentId, IReadOnlyList<WrittenPartyFile> Files);

/// <summary>
/// The model owner's side of a cluster deployment: a <see cref="ModelSplit"/> written as one file per party, so that no
/// party holds more than its part (D9, D10): A gets F_A, B and C their share of F_BC, the user F_A's architecture
/// only. <see cref="PartyFile"/> reads them back. The layout is in <see cref="PartyFileFormat"/>.
/// </summary>
public static class PartyFiles
{
    /// <summary>The parties in the order files are written and listed.</summary>
    public static IReadOnlyList<PartyKind> Parties { get; } = [PartyKind.Gateway, PartyKind.Garbler, PartyKind.Evaluator, PartyKind.User];

    /// <summary>gateway.party, garbler.party, evaluator.party, user.party.</summary>
    public static string FileName(PartyKind party) => $"{Name(party)}.party";

    /// <summary>Whether the file holds key material (weights or weight shares): written readable by the owner only (0600).</summary>
    public static bool HoldsSecrets(PartyKind party) => party != PartyKind.User;

    /// <summary>The four files of <paramref name="split"/>, under a fresh deployment id.</summary>
    public static EncodedDeployment Encode(ModelSplit split, DeploymentSource source) => Encode(split, source, null);

    /// <param name="tamper">Tests only: changes the shared fields and F_BC's shapes before the id and the commitment are
    /// computed, so the file is authentic but inconsistent (the loader's consistency checks must catch it).</param>
    internal static EncodedDeployment Encode(ModelSplit split, DeploymentSource source, Func<SharedFields, BlockShape[], (SharedFields, BlockShape[])>? tamper)
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
        UserView view = p.ForUser();
        var shared = new SharedFields(nonce, [.. source.ModelSha256], source.FractionalBits, source.CryptoPreset, p.Context.N, p.Context.PlainModulus.Value,
            [.. p.Context.ParameterHash], p.Split, p.Budget.Queries, view.InputSize, view.TransitionSize, view.OutputSize, [.. view.GatewayBlocks], []);
        if (tamper is not null)
            (shared, remote) = tamper(shared, remote);
        shared = shared with { RemoteCommitment = RemoteCommitment(shared.Nonce, remote) };
        byte[] id = shared.Id();

        IEnumerable<(int, ulong[], ulong[])> Blocks(int first, int last, Func<int, ulong[]> weights, Func<int, ulong[]> bias) =>
            Enumerable.Range(first, Math.Max(0, last - first + 1)).Select(i => (i, weights(i), bias(i)));
        var files = new Dictionary<PartyKind, byte[]>
        {
            [PartyKind.Gateway] = EncodeFile(PartyKind.Gateway, p, shared, id, remote, Blocks(1, p.Split, split.Gateway.Weights, split.Gateway.Bias)),
            [PartyKind.Garbler] = EncodeFile(PartyKind.Garbler, p, shared, id, remote, Blocks(p.Split + 1, p.BlockCount, split.Garbler.Weights, split.Garbler.Bias)),
            [PartyKind.Evaluator] = EncodeFile(PartyKind.Evaluator, p, shared, id, remote, Blocks(p.Split + 1, p.BlockCount, split.Evaluator.Weights, split.Evaluator.Bias)),
            [PartyKind.User] = EncodeFile(PartyKind.User, p, shared, id, remote, []),
        };
        return new EncodedDeployment(Convert.ToHexStringLower(id), files);
    }

    /// <summary>
    /// Writes the four files into <paramref name="outDir"/> (made if missing): each is written to a temporary file
    /// first, created with mode 0600 for the key-share files and 0644 for the user's (Unix; subject to the umask), then
    /// renamed into place. Without <paramref name="overwrite"/> nothing is written if any of the four exists.
    /// </summary>
    /// <exception cref="IOException">A file exists (without <paramref name="overwrite"/>), or writing failed.</exception>
    public static WrittenDeployment Write(ModelSplit split, DeploymentSource source, string outDir, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        EncodedDeployment encoded = Encode(split, source);
        Directory.CreateDirectory(outDir);
        var targets = Parties.ToDictionary(party => party, party => Path.Combine(outDir, FileName(party)));
        if (!overwrite && targets.Values.FirstOrDefault(t => File.Exists(t) || Directory.Exists(t)) is { } existing)
            throw new IOException($"{existing} already exists");

        var temporaries = new Dictionary<PartyKind, string>();
        try
        {
            foreach (PartyKind party in Parties)
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
            foreach (PartyKind party in Parties)
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
        return new WrittenDeployment(encoded.DeploymentId, [.. Parties.Select(party => new WrittenPartyFile(party, targets[party],
            encoded.Files[party].Length, Convert.ToHexStringLower(SHA256.HashData(encoded.Files[party]))))]);
    }

    private static byte[] EncodeFile(PartyKind party, SecoParameters p, SharedFields shared, byte[] id, BlockShape[] remote,
        IEnumerable<(int Index, ulong[] Weights, ulong[] Bias)> blocks)
    {
        var bodyBuffer = new ArrayBufferWriter<byte>();
        var body = new MessagePackWriter(bodyBuffer);
        var list = blocks.ToList();
        body.WriteArrayHeader(3);
        body.WriteInt32((int)party);
        body.WriteBinary(id);
        body.WriteArrayHeader(list.Count);
        foreach ((int index, ulong[] weights, ulong[] bias) in list)
        {
            BlockShape shape = p.Block(index);
            if (weights.Length != shape.Rows * shape.Columns || bias.Length != shape.Rows)
                throw new ArgumentException($"block {index}: {weights.Length} weights and {bias.Length} biases do not fit its {shape.Rows}×{shape.Columns} shape");
            body.WriteArrayHeader(5);
            body.WriteInt32(index);
            WriteResidues(ref body, weights);
            WriteResidues(ref body, bias);
        }
        body.Flush();

        var headerBuffer = new ArrayBufferWriter<byte>();
        var header = new MessagePackWriter(headerBuffer);
        header.WriteArrayHeader(HeaderFields);
        header.WriteInt32((int)party);
        header.WriteBinary(id);
        shared.Write(ref header);
        if (party == PartyKind.User)
            header.WriteNil(); // the user's file holds nothing of F_BC: not even its block count
        else
            WriteShapes(ref header, remote);
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
