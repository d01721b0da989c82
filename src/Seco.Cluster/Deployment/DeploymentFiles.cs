using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Lattice.Parameters;
using Seco.Scenarios;

namespace Seco.Cluster.Deployment;

/// <summary>
/// Opens the files a configuration names — certificates, keys, party files — and reports any problem at the key that
/// named the file (file:line:column: key: reason), like every other configuration error.
/// </summary>
internal static class DeploymentFiles
{
    /// <summary>The BFV context every party file of this version is made for (docs/protocol-decisions.md, D4).</summary>
    public static BfvContext Context => Contexts.Value;

    private static readonly Lazy<BfvContext> Contexts = new(() => BfvContext.Create(BfvPresets.Seco8192()));

    /// <summary>This node's certificate and private key (PKCS#12), with the password from <paramref name="passwordFile"/> (its first line).</summary>
    public static X509Certificate2 OwnCertificate(SourceMap source, TlsConfig tls)
    {
        string password = tls.PasswordFile is null ? "" : At(source, "tls.password_file", () => File.ReadLines(tls.PasswordFile).FirstOrDefault() ?? "");
        X509Certificate2 certificate = At(source, "tls.certificate", () => X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile, password));
        if (!certificate.HasPrivateKey)
            throw Error(source, "tls.certificate", $"{Path.GetFileName(tls.CertificateFile)} holds no private key (a PKCS#12 file from `seco certs` does)");
        return certificate;
    }

    /// <summary>The certificate of a server pinned by <c>certificate:</c> (PEM); null for a <c>fingerprint:</c> pin.</summary>
    public static X509Certificate2? PinnedCertificate(SourceMap source, string key, PeerPin pin) =>
        pin is PeerPin.Certificate file ? At(source, key, () => X509Certificate2.CreateFromPem(File.ReadAllText(file.File))) : null;

    /// <summary>A CA certificate (PEM).</summary>
    public static X509Certificate2 Ca(SourceMap source, string key, string file) =>
        At(source, key, () => X509Certificate2.CreateFromPem(File.ReadAllText(file)));

    /// <summary>A pin's fingerprint (a certificate file is hashed; a fingerprint is already normalized).</summary>
    public static string Pin(SourceMap source, string key, PeerPin pin) => At(source, key, pin.Sha256);

    /// <summary>Runs <paramref name="open"/>; a failure to read or parse the file becomes an error at <paramref name="key"/>.</summary>
    public static T At<T>(SourceMap source, string key, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or FormatException
                                       or InvalidDataException or Protocol.Model.Deployment.PartyFileException or Nn.ModelFormatException)
        {
            throw Error(source, key, e.Message.ReplaceLineEndings(" "));
        }
    }

    public static ScenarioValidationException Error(SourceMap source, string key, string reason) => new([source.ErrorAt(key, reason)]);
}
