using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.MessagePack;
using Seco.Nn;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Roles;
using static Seco.Protocol.Model.Deployment.PartyFileFormat;

namespace Seco.Protocol.Model.Deployment;

/// <summary>A party file that passed every check.</summary>
public abstract record PartyFileContents(PartyFileHeader Header);

/// <summary>A's file: the parameters every server shares and F_A (blocks 1..l).</summary>
public sealed record GatewayPartyFile(PartyFileHeader Header, SecoParameters Parameters, GatewayModel Model) : PartyFileContents(Header);

/// <summary>A remote server's file: the parameters every server shares (the hierarchy among them) and the server's share of its tier's blocks.</summary>
public sealed record RemotePartyFile(PartyFileHeader Header, SecoParameters Parameters, RemoteShare Share) : PartyFileContents(Header)
{
    /// <summary>Which server the file is for (its position in the hierarchy).</summary>
    public Party Server => Header.Party;
}

/// <summary>The user's file: F_A's architecture and the sizes the user handles, nothing else.</summary>
public sealed record UserPartyFile(PartyFileHeader Header, UserView View) : PartyFileContents(Header);

/// <summary>
/// Reads the files <see cref="PartyFiles"/> writes. Nothing in a file is trusted: the size is bounded before it is
/// read, then the magic, the format version, the party the caller expects, the file length, every field's range,
/// the deployment id against the header's fields, F_BC's shapes and the tiers against their commitment, the HE parameters against
/// the caller's context, the body's SHA-256, the shapes' consistency (the checks of <see cref="SecoParameters"/>), each
/// vector's length against its block's shape and every residue against p. A server's file must be for a server of
/// the hierarchy it carries and hold exactly its tier's blocks. Any failure is a
/// <see cref="PartyFileException"/> naming the file and the problem.
/// </summary>
public static class PartyFile
{
    /// <summary>The largest party file read unless the caller says otherwise (1 GiB).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <exception cref="PartyFileException">The file is not A's valid file for <paramref name="context"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static GatewayPartyFile ReadGateway(string path, BfvContext context, long maxBytes = DefaultMaxBytes) =>
        (GatewayPartyFile)Read(path, Party.Gateway, context, maxBytes);

    /// <param name="server">A remote server (<see cref="Party.Server"/>): the file must be that server's.</param>
    /// <exception cref="PartyFileException">The file is not that server's valid file for <paramref name="context"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static RemotePartyFile ReadRemote(string path, Party server, BfvContext context, long maxBytes = DefaultMaxBytes)
    {
        if (!server.IsServer)
            throw new ArgumentException($"a remote server is a server of a tier, not the {server}", nameof(server));
        return (RemotePartyFile)Read(path, server, context, maxBytes);
    }

    /// <exception cref="PartyFileException">The file is not the user's valid file for <paramref name="context"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static UserPartyFile ReadUser(string path, BfvContext context, long maxBytes = DefaultMaxBytes) =>
        (UserPartyFile)Read(path, Party.User, context, maxBytes);

    /// <summary>Reads <paramref name="party"/>'s file: a <see cref="GatewayPartyFile"/>, <see cref="RemotePartyFile"/> or <see cref="UserPartyFile"/>.</summary>
    public static PartyFileContents Read(string path, Party party, BfvContext context, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: party file not found", path);
        byte[] bytes = BoundedFile.Read(path, maxBytes, "party", (file, problem) => new PartyFileException(file, problem));
        return Decode(bytes, path, party, context);
    }

    /// <summary>Checks and decodes a party file's bytes; <paramref name="source"/> names them in errors.</summary>
    public static PartyFileContents Decode(byte[] bytes, string source, Party party, BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(context);
        if (Party.FromCode(party.Code) != party)
            throw new ArgumentOutOfRangeException(nameof(party), party, "not a party within the protocol's limits");
        return new Decoder(bytes, source, party, context).Run();
    }

    /// <summary>Where the body starts (tests: they re-seal a body they modified).</summary>
    internal static int BodyOffset(byte[] bytes)
    {
        var r = new MessagePackReader(bytes);
        r.ReadRawBytes(PrefixBytes);
        r.Skip();
        return r.Consumed;
    }

    private sealed class Decoder(byte[] bytes, string source, Party expected, BfvContext context)
    {
        private PartyFileException Fail(string problem) => new(source, problem);

        public PartyFileContents Run()
        {
            if (bytes.Length < PrefixBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw Fail(bytes.Length >= Magic.Length && !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
                    ? "not a SECO party file (it does not start with the magic bytes \"SECOPART\")"
                    : $"truncated: {bytes.Length} bytes is shorter than a party file's {PrefixBytes}-byte prefix");
            int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            if (version == 1)
                throw Fail($"format version 1 (one tier of two servers) is no longer read (this build reads version {FormatVersion}, which carries the hierarchy); " +
                           "run `seco split` again and give every party its new file");
            if (version == 2)
                throw Fail($"format version 2 (every block a matrix) is no longer read (this build reads version {FormatVersion}, which carries each block's form); " +
                           "run `seco split` again and give every party its new file");
            if (version != FormatVersion)
                throw Fail($"format version {version} is not supported (this build reads version {FormatVersion})");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(10));
            if (length != (ulong)bytes.Length)
                throw Fail(length > (ulong)bytes.Length
                    ? $"truncated: the header says the file has {length:N0} bytes, it has {bytes.Length:N0}"
                    : $"the header says the file has {length:N0} bytes, it has {bytes.Length:N0} (extra bytes, or a corrupted length)");
            try
            {
                return Parse();
            }
            catch (MessagePackException e)
            {
                bool truncated = e.Problem.Contains("end of data", StringComparison.Ordinal) || e.Problem.Contains("truncated", StringComparison.Ordinal);
                throw new PartyFileException(source, $"{(truncated ? "truncated or corrupted" : "malformed")} at byte {e.Offset}: {e.Problem}", e);
            }
        }

        private PartyFileContents Parse()
        {
            var r = new MessagePackReader(bytes);
            r.ReadRawBytes(PrefixBytes);

            // The header.
            int fields = r.ReadArrayHeader();
            if (fields != HeaderFields)
                throw Fail($"header: {fields} fields, expected {HeaderFields}");
            Party party = ReadParty(ref r, "party");
            if (party != expected)
                throw Fail($"this is the {party}'s file, not the {expected}'s");
            byte[] id = ReadFixed(ref r, IdBytes, "deployment id", Fail);
            SharedFields shared = ReadShared(ref r);
            BlockShape[]? remote = null;
            TierSpec[]? tiers = null;
            byte[]? key = null;
            if (party.IsUser)
            {
                if (!r.TryReadNil())
                    throw Fail("the user's file must not carry F_BC's block shapes");
                if (!r.TryReadNil())
                    throw Fail("the user's file must not carry the hierarchy");
                if (!r.TryReadNil())
                    throw Fail("the user's file must not carry the key of F_BC's commitment");
            }
            else
            {
                int count = r.CreatePeekReader().ReadArrayHeader();
                if (shared.Split + count > MaxBlocks)
                    throw Fail($"{shared.Split} + {count} blocks exceed the limit of {MaxBlocks}");
                if (shared.Split + count == 0)
                    throw Fail("a model has at least one block");
                remote = ReadShapes(ref r, "F_BC's shapes", shared.Split + 1, count, Fail);
                tiers = ReadTiers(ref r, Fail);
                key = ReadFixed(ref r, NonceBytes, "commitment key", Fail);
            }
            byte[] bodyHash = ReadFixed(ref r, HashBytes, "body SHA-256", Fail);

            // The header's integrity: the id covers every shared field, the commitment F_BC's shapes.
            if (!shared.Id().AsSpan().SequenceEqual(id))
                throw Fail("the deployment id does not match the header's fields (the header is corrupted or was modified)");
            if (remote is not null && !RemoteCommitment(key!, remote, tiers!).AsSpan().SequenceEqual(shared.RemoteCommitment))
                throw Fail("F_BC's block shapes or the hierarchy do not match their commitment in the header (the header is corrupted or was modified)");
            if (!SHA256.HashData(r.UnreadSpan).AsSpan().SequenceEqual(bodyHash))
                throw Fail("the body's SHA-256 does not match the header (the file is corrupted or was modified)");

            // The parameter set: the caller's context must be the one the file was made for.
            if (shared.N != context.N || shared.PlainModulus != context.PlainModulus.Value || !context.ParameterHash.AsSpan().SequenceEqual(shared.ParameterHash))
                throw Fail($"made for HE parameters n = {shared.N}, t = {shared.PlainModulus}, hash {Convert.ToHexStringLower(shared.ParameterHash)[..16]}… " +
                           $"(crypto preset '{shared.CryptoPreset}'), but this node uses n = {context.N}, t = {context.PlainModulus.Value}, hash {context.ParameterHashHex[..16]}…");
            if (shared.PlainModulus != PrimeField.P)
                throw Fail($"the plaintext modulus {shared.PlainModulus} is not the share field p = {PrimeField.P}");

            SecoParameters? parameters = remote is null ? null : Parameters(shared, remote, tiers!);
            UserView? view = remote is null ? UserViewOf(shared) : null;
            if (party.IsServer && (party.Tier > parameters!.Depth || party.Index >= parameters.Tier(party.Tier).Servers))
                throw Fail(party.Tier > parameters.Depth
                    ? $"the file is the {party}'s, but its hierarchy has {parameters.Depth} remote tier{(parameters.Depth == 1 ? "" : "s")}"
                    : $"the file is the {party}'s, but tier {party.Tier} of its hierarchy has {parameters.Tier(party.Tier).Servers} servers");
            var header = new PartyFileHeader(FormatVersion, party, Convert.ToHexStringLower(id), Convert.ToHexStringLower(shared.ModelSha256), shared.FractionalBits,
                shared.CryptoPreset, shared.N, shared.PlainModulus, Convert.ToHexStringLower(shared.ParameterHash), shared.Split, shared.QueryBudget,
                shared.InputSize, shared.TransitionSize, shared.OutputSize, shared.GatewayBlocks, remote, parameters?.Tiers, Convert.ToHexStringLower(bodyHash));

            // The body: the blocks this party holds.
            int bodyFields = r.ReadArrayHeader();
            if (bodyFields != 3)
                throw Fail($"body: {bodyFields} fields, expected 3");
            if (ReadParty(ref r, "body party") != party)
                throw Fail("the body belongs to another party's file");
            if (!ReadFixed(ref r, IdBytes, "body deployment id", Fail).AsSpan().SequenceEqual(id))
                throw Fail("the body belongs to another deployment");
            (int first, int last) = party.IsGateway ? (1, shared.Split)
                : party.IsServer ? (parameters!.Tier(party.Tier).FirstBlock, parameters.Tier(party.Tier).LastBlock)
                : (1, 0);
            int blocks = r.ReadArrayHeader();
            if (blocks != last - first + 1)
                throw Fail($"body: {blocks} blocks, expected {last - first + 1} (blocks {first}..{last})");
            var weights = new Dictionary<int, ulong[]>();
            var biases = new Dictionary<int, ulong[]>();
            var shortcuts = new Dictionary<int, ulong[]>();
            for (int i = first; i <= last; i++)
            {
                int blockFields = r.ReadArrayHeader();
                if (blockFields != 7)
                    throw Fail($"body: block {i} has {blockFields} fields, expected 7");
                int index = r.ReadInt32InRange(1, MaxBlocks, "block index");
                if (index != i)
                    throw Fail($"body: block {index} where block {i} was expected");
                BlockShape shape = parameters!.Block(i);
                weights[i] = ReadResidues(ref r, parameters.Form(i).WeightCount, $"block {i} weights", Fail); // matrix entries or kernel taps
                biases[i] = ReadResidues(ref r, shape.Rows, $"block {i} bias", Fail);
                shortcuts[i] = ReadResidues(ref r, parameters.ShortcutForm(i)?.WeightCount ?? 0, $"block {i} shortcut weights", Fail);
            }
            r.EnsureEnd();

            // GatewayModel.ServedQueries (F_A's lifetime count) is runtime state and is not in the file: a loaded
            // model starts at 0, so a node that restarts must persist the count itself (docs/noise.md).
            return party.IsGateway ? new GatewayPartyFile(header, parameters!, new GatewayModel(weights, biases, shortcuts))
                : party.IsServer ? new RemotePartyFile(header, parameters!, new RemoteShare(weights, biases, shortcuts))
                : new UserPartyFile(header, view!);
        }

        /// <summary>A <see cref="Party.Code"/> that names a party within the protocol's limits.</summary>
        private Party ReadParty(ref MessagePackReader r, string field)
        {
            int code = r.ReadInt32InRange(-1, (64 * Party.MaxTiers) + Party.MaxServersPerTier - 1, field);
            return Party.FromCode(code) ?? throw Fail($"{field}: {code} names no party (−1 the user, 0 the gateway, 64·tier + index a server)");
        }

        private SharedFields ReadShared(ref MessagePackReader r)
        {
            byte[] nonce = ReadFixed(ref r, NonceBytes, "nonce", Fail);
            byte[] model = ReadFixed(ref r, HashBytes, "model SHA-256", Fail);
            int bits = r.ReadInt32InRange(1, FixedPointFormat.MaxFractionalBits, "fractional bits");
            string preset = r.ReadString();
            if (!IsPresetName(preset))
                throw Fail($"crypto preset '{Printable(preset)}' is not a preset name (1..{MaxPresetNameLength} characters of a-z, 0-9, '.', '_', '-')");
            int n = r.ReadInt32InRange(BfvContext.MinPolyModulusDegree, BfvContext.MaxPolyModulusDegree, "n");
            ulong t = r.ReadUInt64();
            byte[] parameterHash = ReadFixed(ref r, HashBytes, "parameter hash", Fail);
            int split = r.ReadInt32InRange(0, MaxBlocks, "split l");
            int budget = r.ReadInt32InRange(1, 1 << NoiseBudget.MaxBudgetLog2, "query budget");
            int input = r.ReadInt32InRange(1, MaxSide, "input size");
            Nn.Layers.Shape transition = ReadShape(ref r, "transition shape", mayBeEmpty: true, Fail);
            int output = r.ReadInt32InRange(1, MaxSide, "output size");
            BlockShape[] gateway = ReadShapes(ref r, "F_A's shapes", 1, split, Fail);
            byte[] commitment = ReadFixed(ref r, HashBytes, "F_BC commitment", Fail);
            bool residual = r.ReadBoolean();
            return new SharedFields(nonce, model, bits, preset, n, t, parameterHash, split, budget, input, transition, output, gateway, commitment, residual);
        }

        /// <summary>The servers' parameters, rebuilt from every block's shape and the tiers; their sizes must be the header's.</summary>
        private SecoParameters Parameters(SharedFields shared, BlockShape[] remote, TierSpec[] tiers)
        {
            BlockShape[] blocks = [.. shared.GatewayBlocks, .. remote];
            SecoParameters p;
            try
            {
                p = new SecoParameters(context, blocks, shared.Split, shared.QueryBudget, tiers);
            }
            catch (ArgumentException e)
            {
                throw Fail($"the parameters do not hold together: {e.Message.Split(" (Parameter")[0]}");
            }
            UserView view = p.ForUser();
            if (view.InputSize != shared.InputSize || view.TransitionShape != shared.Transition || view.OutputSize != shared.OutputSize || view.Residual != shared.Residual)
                throw Fail($"the header's sizes (input {shared.InputSize}, transition {shared.Transition}, output {shared.OutputSize}) are not the blocks' " +
                           $"({view.InputSize}, {view.TransitionShape}, {view.OutputSize})");
            return p;
        }

        /// <summary>The user's view, checked as far as the user can: F_A's blocks chain from the input to the transition (or the output).</summary>
        private UserView UserViewOf(SharedFields s)
        {
            int half = context.N / 2;
            if (s.OutputSize > half)
                throw Fail($"the output size {s.OutputSize} exceeds the {half} slots of a batching row (the output ciphertext holds the logits)");
            bool remoteTier = s.TransitionSize > 0;
            if (!remoteTier && s.Split == 0)
                throw Fail("no block on the gateway and no remote tier: the model would have no block");
            int size = s.InputSize;
            foreach (BlockShape b in s.GatewayBlocks)
            {
                if (b.Columns != size)
                    throw Fail($"block {b.Index} takes {b.Columns} inputs but receives {size}");
                bool last = b.Index == s.Split;
                if (b.HasRelu != (remoteTier || !last))
                    throw Fail($"block {b.Index} {(b.HasRelu ? "has" : "lacks")} a ReLU, but {(b.HasRelu ? "the model's last block is linear only" : "every block but the model's last ends in one")}");
                try
                {
                    _ = b.CreateForm(context.N);
                    _ = Linear.Shortcuts.Form(b, b.ShortcutSource == 0 ? default : s.GatewayBlocks[b.ShortcutSource - 1].Input, context.N);
                }
                catch (ArgumentException e)
                {
                    throw Fail($"block {b.Index}: {e.Message.Split(" (Parameter")[0]}");
                }
                size = b.Rows;
            }
            if (size != (remoteTier ? s.TransitionSize : s.OutputSize))
                throw Fail(remoteTier
                    ? $"F_A gives {size} values but the transition size is {s.TransitionSize}"
                    : $"the last block gives {size} values but the output size is {s.OutputSize}");
            return new UserView(context, s.GatewayBlocks, s.InputSize, s.TransitionSize, s.OutputSize) { TransitionShape = s.Transition, Residual = s.Residual };
        }

        private static string Printable(string text) =>
            string.Concat(text.Take(MaxPresetNameLength).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString(CultureInfo.InvariantCulture)));
    }
}
