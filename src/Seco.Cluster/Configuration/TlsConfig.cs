namespace Seco.Cluster.Configuration;

/// <summary>
/// A process's TLS files (<c>tls</c>), as absolute paths of existing files: the deployment CA
/// (PEM) its peers must chain to, its own PKCS#12 certificate and key, and optionally a file
/// holding the PKCS#12 password. The environment variables <c>SECO_TLS_CERTIFICATE</c> and
/// <c>SECO_TLS_PASSWORD_FILE</c> override the last two. The files are not read by the loader.
/// </summary>
public sealed record TlsConfig(string CaFile, string CertificateFile, string? PasswordFile);
