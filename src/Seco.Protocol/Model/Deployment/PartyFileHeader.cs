using Seco.Protocol.Roles;

namespace Seco.Protocol.Model.Deployment;

/// <summary>
/// What the model owner split, beyond the split itself: the SHA-256 of the model file's bytes, the fixed-point
/// format (the user encodes its input at 2^<see cref="FractionalBits"/>) and the name of the crypto preset.
/// </summary>
public sealed record DeploymentSource(byte[] ModelSha256, int FractionalBits, string CryptoPreset);

/// <summary>
/// The header of a party file, as checked on load (<see cref="PartyFile"/>). Every field but <see cref="Party"/>,
/// <see cref="RemoteBlocks"/>, <see cref="Tiers"/> and <see cref="BodySha256"/> is the same in all the files of a
/// deployment, and <see cref="DeploymentId"/> is computed from them (F_BC's shapes and the tiers through a commitment):
/// peers that present the same id hold the same split.
/// </summary>
/// <param name="DeploymentId">16 hex digits: the first 8 bytes of a SHA-256 over the shared fields and a random nonce
/// drawn when the model was split, so two splits of the same model never share an id (their shares do not mix).</param>
/// <param name="ModelSha256">The SHA-256 of the model file the owner split (64 hex digits).</param>
/// <param name="ParameterHash">The HE parameter set's <c>BfvContext.ParameterHash</c> (64 hex digits).</param>
/// <param name="QueryBudget">Queries per key set (<see cref="NoiseBudget.Queries"/>).</param>
/// <param name="TransitionSize">The size of x_{l+1}, block l+1's input; 0 when every block is on the gateway.</param>
/// <param name="GatewayBlocks">Blocks 1..l (F_A).</param>
/// <param name="Party">Whose file it is: the gateway, the user, or a server by its position in the hierarchy.</param>
/// <param name="RemoteBlocks">Blocks l+1..L (F_BC); null in the user's file, which holds nothing of F_BC.</param>
/// <param name="Tiers">The hierarchy: every remote tier's width and blocks (none when l = L); null in the user's file,
/// which must not learn the hierarchy behind A.</param>
/// <param name="BodySha256">The SHA-256 of the file's body (64 hex digits).</param>
public sealed record PartyFileHeader(
    int FormatVersion,
    Party Party,
    string DeploymentId,
    string ModelSha256,
    int FractionalBits,
    string CryptoPreset,
    int PolyModulusDegree,
    ulong PlainModulus,
    string ParameterHash,
    int Split,
    int QueryBudget,
    int InputSize,
    int TransitionSize,
    int OutputSize,
    IReadOnlyList<BlockShape> GatewayBlocks,
    IReadOnlyList<BlockShape>? RemoteBlocks,
    IReadOnlyList<TierShape>? Tiers,
    string BodySha256);
