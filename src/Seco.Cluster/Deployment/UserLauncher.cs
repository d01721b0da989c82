using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Cluster.Door;
using Seco.Nn.Layers;
using Seco.Nn.Data;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Model.Deployment;

namespace Seco.Cluster.Deployment;

/// <summary>One query the user will send: where its input came from, the input in Z_p, and (with a reference model) the expected logits.</summary>
public sealed record UserQuery(int Index, string Source, ulong[] Input, int? Label, long[]? ReferenceLogits);

/// <summary>A user session ready to start: where the door is, whom to trust, the user's view of the model, and the queries.</summary>
public sealed record UserLaunch(UserClientSettings Client, UserPartyFile Model, IReadOnlyList<UserQuery> Queries, string? ReferenceModel)
{
    /// <summary>Problems that do not stop the session (a private-key file others can read), one line each, for stderr.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Turns a user file (<see cref="UserConfigLoader"/>) into a <see cref="UserLaunch"/>: the certificates, the user's party
/// file (F_A's architecture only), the inputs (an IDX file or random, encoded with the deployment's fixed-point format)
/// and, when the config gives the plaintext model, each query's reference logits — after checking that model is the
/// one the owner split (its SHA-256 is in the party file).
/// </summary>
public static class UserLauncher
{
    public static UserLaunch Prepare(UserConfig config, string? imagesOverride = null, int? queriesOverride = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        X509Certificate2 certificate = DeploymentFiles.OwnCertificate(config.Source, config.Tls);
        X509Certificate2 ca = DeploymentFiles.Ca(config.Source, "tls.ca", config.Tls.CaFile);
        string gatewayPin = DeploymentFiles.Pin(config.Source, "door", config.Door.Gateway);
        UserPartyFile file = DeploymentFiles.At(config.Source, "model", () => PartyFile.ReadUser(config.ModelFile, DeploymentFiles.Context));
        PartyFileHeader header = file.Header;
        int count = queriesOverride ?? config.Queries;
        if (count > header.QueryBudget)
            throw DeploymentFiles.Error(config.Source, "queries",
                $"{count} queries exceed the deployment's query budget of {header.QueryBudget} per session (one key set, docs/noise.md)");

        var format = new FixedPointFormat(header.FractionalBits);
        FixedPointModel? reference = null;
        Shape? modelInput = null;
        if (config.ReferenceModelFile is { } modelPath)
        {
            NeuralModel model = DeploymentFiles.At(config.Source, "reference_model", () =>
            {
                NeuralModel loaded = OnnxImporter.Load(modelPath, out byte[] sha);
                if (Convert.ToHexStringLower(sha) != header.ModelSha256)
                    throw new InvalidDataException($"{Path.GetFileName(modelPath)} is not the model this deployment was split from (its SHA-256 differs from the party file's)");
                return loaded;
            });
            reference = new FixedPointModel(model, format);
            modelInput = model.Input;
        }

        int n = file.View.InputSize;
        var inputs = new List<(string Source, double[] Input, int? Label)>();
        string? images = imagesOverride ?? config.ImagesFile;
        if (images is not null)
        {
            ImageSet set = DeploymentFiles.At(config.Source, "images", () => IdxFile.Load(images, null));
            // The input's shape: the reference model's, else F_A's first block's, else (no block on A) the padded RGB
            // form when the size says so — the scenario loader's transform (ImageSet.InputFor), so ResNet-32's users
            // feed the same Fashion-MNIST images as its scenarios (issue 20).
            Shape shape = modelInput
                ?? (file.View.GatewayBlocks.Count > 0 ? file.View.GatewayBlocks[0].Input
                    : n == 3 * (set.Rows + 4) * (set.Columns + 4) ? new Shape(3, set.Rows + 4, set.Columns + 4) : Shape.Vector(n));
            if (shape.Size != n || !set.Fits(shape))
                throw DeploymentFiles.Error(config.Source, "images", $"images are {set.Rows}×{set.Columns} but the model's input has {n} values ({shape})");
            if (count > set.Count)
                throw DeploymentFiles.Error(config.Source, "queries", $"{count} queries need {count} images; {Path.GetFileName(images)} holds {set.Count}");
            for (int i = 0; i < count; i++) inputs.Add(($"image #{i}", set.InputFor(i, shape), set.HasLabels ? set.Label(i) : null));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                byte[] pixels = System.Security.Cryptography.RandomNumberGenerator.GetBytes(n);
                inputs.Add(("random", pixels.Select(b => b / 255.0).ToArray(), null));
            }
        }
        UserQuery[] queries = inputs.Select((q, i) => new UserQuery(i, q.Source,
            q.Input.Select(v => PrimeField.FromSigned(format.Encode(v))).ToArray(), q.Label,
            reference is null ? null : FixedPointReference.Forward(reference, q.Input).Logits)).ToArray();

        var client = new UserClientSettings(config.Door.Host, config.Door.Port, config.Door.ServerName, certificate, ca, "gateway", gatewayPin)
        {
            QueryDeadline = config.QueryDeadline,
        };
        return new UserLaunch(client, file, queries, config.ReferenceModelFile) { Warnings = DeploymentFiles.KeyFileWarnings(config.Source, config.Tls) };
    }
}
