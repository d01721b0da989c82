using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// One development deployment shared by the certificate tests (an RSA-3072 key takes a noticeable fraction of a
/// second): servers A (127.0.0.1), B (localhost) and C (::1), user alice; written once to a folder so that tests
/// load the PKCS#12 files from disk as Akka does. <see cref="Other"/> is a second, unrelated deployment.
/// </summary>
public sealed class DevDeploymentFixture : IDisposable
{
    public const string Collection = "dev deployment";

    private readonly Lazy<DevDeployment> _other = new(() => DevCertificates.Create(DevCertificatePlan.Create(["A"], ["alice"])));

    public DevDeploymentFixture()
    {
        Deployment = DevCertificates.Create(DevCertificatePlan.Create(["A", "B", "C"], ["alice"],
            new Dictionary<string, string> { ["B"] = "localhost", ["C"] = "::1" }));
        Folder = Directory.CreateTempSubdirectory("seco-certs-").FullName;
        Files = DevCertificates.Write(Deployment, Path.Combine(Folder, "out"));
    }

    public DevDeployment Deployment { get; }

    /// <summary>Another deployment with its own CAs (and a server named A too).</summary>
    public DevDeployment Other => _other.Value;

    /// <summary>Holds "out", where <see cref="Deployment"/> was written; tests may make other folders beside it.</summary>
    public string Folder { get; }

    public string Out => Path.Combine(Folder, "out");

    public IReadOnlyList<WrittenFile> Files { get; }

    public IssuedCertificate Server(string name) => Deployment.Servers.Single(s => s.Name == name);

    public IssuedCertificate User(string name) => Deployment.Users.Single(u => u.Name == name);

    /// <summary>A fresh empty folder under <see cref="Folder"/>.</summary>
    public string NewFolder() => Directory.CreateDirectory(Path.Combine(Folder, Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        Deployment.Dispose();
        if (_other.IsValueCreated) _other.Value.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

[CollectionDefinition(DevDeploymentFixture.Collection)]
public sealed class DevDeploymentCollection : ICollectionFixture<DevDeploymentFixture>;
