using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Seco.Cluster.Security;

/// <summary>A file `seco certs` wrote.</summary>
/// <param name="Secret">It holds a private key, and was created readable by its owner only (0600).</param>
public sealed record WrittenFile(string Path, string Holds, bool Secret);

/// <summary>
/// `seco certs`: a development deployment's certificates, made with System.Security.Cryptography alone. Two CAs —
/// the deployment CA for the servers, which form the cluster, and a separate user CA, trusted only at the gateway's
/// door, so that no user certificate can ever join the cluster. The CAs' private keys are not kept: adding a party
/// means making a new deployment (run again with force) and handing every node its new files.
/// </summary>
public static class DevCertificates
{
    public const string DeploymentCaFile = "ca.crt";
    public const string UserCaFile = "user-ca.crt";
    public const string FingerprintsFile = "fingerprints.txt";

    /// <summary>Makes both CAs and every certificate of <paramref name="plan"/>.</summary>
    public static DevDeployment Create(DevCertificatePlan plan, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // A random tag tells two deployments' CAs apart in messages ("does not chain to the deployment CA CN=…").
        string tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        using DevCertificateAuthority deploymentCa = DevCertificateAuthority.Create($"Seco dev deployment CA {tag}", clock);
        using DevCertificateAuthority userCa = DevCertificateAuthority.Create($"Seco dev user CA {tag}", clock);
        var servers = plan.Servers.Select(s => new IssuedCertificate(s.Name, CertificateRole.Server, s.Host, deploymentCa.IssueServer(s.Name, s.Host))).ToList();
        var users = plan.Users.Select(u => new IssuedCertificate(u, CertificateRole.User, null, userCa.IssueUser(u))).ToList();
        return new DevDeployment(X509CertificateLoader.LoadCertificate(deploymentCa.Certificate.RawData),
            X509CertificateLoader.LoadCertificate(userCa.Certificate.RawData), servers, users);
    }

    /// <summary>
    /// Writes the deployment into <paramref name="directory"/> (made, owner-only, if missing): ca.crt and user-ca.crt
    /// (PEM); for each server and user &lt;name&gt;.pfx (certificate and key, PKCS#12 with AES-256 and
    /// <paramref name="password"/>, mode 0600) and &lt;name&gt;.crt (PEM, what peers copy); fingerprints.txt.
    /// Nothing is written when any of these files exists, unless <paramref name="force"/>.
    /// </summary>
    /// <exception cref="DevCertificateException">A file exists and <paramref name="force"/> is false, or a path is a folder.</exception>
    public static IReadOnlyList<WrittenFile> Write(DevDeployment deployment, string directory, string password = "", bool force = false)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(password);
        var files = new List<CertificateFiles.Planned>
        {
            new(DeploymentCaFile, $"deployment CA CN={CertificateText.CommonName(deployment.DeploymentCa)}, trusted by every server", false, () => Pem(deployment.DeploymentCa)),
            new(UserCaFile, $"user CA CN={CertificateText.CommonName(deployment.UserCa)}, trusted by the gateway's door only", false, () => Pem(deployment.UserCa)),
        };
        foreach (IssuedCertificate issued in deployment.Servers.Concat(deployment.Users))
        {
            string what = issued.Role == CertificateRole.Server ? $"server {issued.Name} ({issued.Host})" : $"user {issued.Name}";
            files.Add(new($"{issued.Name}.pfx", $"{what}: certificate and private key", true,
                () => issued.Certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)));
            files.Add(new($"{issued.Name}.crt", $"{what}: certificate", false, () => Pem(issued.Certificate)));
        }
        files.Add(new(FingerprintsFile, "SHA-256 fingerprints to pin in the nodes' configs", false, () => Encoding.UTF8.GetBytes(Fingerprints(deployment))));
        return CertificateFiles.WriteAll(directory, files, force);
    }

    /// <summary>
    /// fingerprints.txt: one "name  role  sha256" line per certificate (role: server or user), aligned; '#' lines
    /// name the CAs.
    /// </summary>
    public static string Fingerprints(DevDeployment deployment)
    {
        var sb = new StringBuilder();
        sb.Append("# SHA-256 fingerprints: each node pins its peers' (servers); the gateway's door pins the users'.\n");
        sb.Append(CultureInfo.InvariantCulture, $"# deployment CA CN={CertificateText.CommonName(deployment.DeploymentCa)}: {CertificateFingerprint.Of(deployment.DeploymentCa)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"# user CA CN={CertificateText.CommonName(deployment.UserCa)}: {CertificateFingerprint.Of(deployment.UserCa)}\n");
        int width = deployment.Servers.Concat(deployment.Users).Max(i => i.Name.Length);
        foreach (IssuedCertificate issued in deployment.Servers.Concat(deployment.Users))
            sb.Append(CultureInfo.InvariantCulture, $"{issued.Name.PadRight(width)}  {RoleName(issued.Role),-6}  {issued.Fingerprint}\n");
        return sb.ToString();
    }

    public static string RoleName(CertificateRole role) => role == CertificateRole.Server ? "server" : "user";

    private static byte[] Pem(X509Certificate2 certificate) => Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n");
}
