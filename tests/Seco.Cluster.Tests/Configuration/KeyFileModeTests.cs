using Seco.Cluster.Configuration;
using Seco.Cluster.Deployment;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>
/// A private-key file (the PKCS#12 certificate and key, the password file) that the group or others may read is
/// worth a warning at the key that named it — not an error: the node still starts (`seco node` and `seco user` print
/// the warnings to stderr).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyFileModeTests : IDisposable
{
    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public void A_key_file_others_can_read_is_warned_about_at_its_key()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        UserConfig user = _folder.LoadUser("config/local/user.yaml");
        string pfx = _folder.PathOf("deploy/certs/user.pfx");

        File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Empty(DeploymentFiles.KeyFileWarnings(user.Source, user.Tls));

        File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string warning = _folder.Cut(Assert.Single(DeploymentFiles.KeyFileWarnings(user.Source, user.Tls)));
        Assert.Matches(@"^config/local/user\.yaml:\d+:\d+: tls\.certificate: warning: user\.pfx holds a private key but its mode 644 lets every user of this machine read or write it; chmod 600 ", warning);
    }

    [SkippableFact]
    public void A_password_file_its_group_can_read_is_warned_about_too()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        string password = _folder.Write("deploy/certs/B.password", "secret\n");
        NodeConfig node = _folder.LoadNode("config/local/B.yaml", ("SECO_TLS_PASSWORD_FILE", password));
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(_folder.PathOf("deploy/certs/B.pfx"), Owner);
        File.SetUnixFileMode(password, Owner | UnixFileMode.GroupRead);
        string warning = _folder.Cut(Assert.Single(DeploymentFiles.KeyFileWarnings(node.Source, node.Tls)));
        Assert.Contains("tls.password_file: warning: B.password holds the password of a private key but its mode 640 lets its group read or write it", warning);
    }
}
