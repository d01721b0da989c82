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

    /// <summary>
    /// A warning for each private-key file of <paramref name="tls"/> (the PKCS#12 certificate and key, the password
    /// file) whose Unix mode lets the group or others read or write it, as <c>file:line:column: key: warning: …</c>.
    /// None on Windows (ACLs, not modes).
    /// </summary>
    public static IReadOnlyList<string> KeyFileWarnings(SourceMap source, TlsConfig tls)
    {
        if (OperatingSystem.IsWindows()) return [];
        var warnings = new List<string>();
        Check("tls.certificate", tls.CertificateFile, "a private key");
        if (tls.PasswordFile is { } passwordFile) Check("tls.password_file", passwordFile, "the password of a private key");
        return warnings;

        void Check(string key, string path, string holds)
        {
            UnixFileMode mode;
            try
            {
                mode = File.GetUnixFileMode(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            const UnixFileMode Shared = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
            if ((mode & Shared) == 0) return;
            string who = (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0 ? "every user of this machine" : "its group";
            warnings.Add(source.ErrorAt(key,
                $"warning: {Path.GetFileName(path)} holds {holds} but its mode {Convert.ToString((int)mode & 0x1ff, 8).PadLeft(3, '0')} lets {who} read or write it; " +
                $"chmod 600 {path}").ToString());
        }
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
