namespace Seco.Cluster.Security;

/// <summary>The extended key usages (RFC 5280 §4.2.1.12) a deployment certificate may carry.</summary>
public static class KeyPurpose
{
    /// <summary>id-kp-serverAuth: the certificate may answer a TLS connection.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth: the certificate may open a TLS connection with a client certificate.</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>The name used in messages ("serverAuth"), or the OID itself.</summary>
    public static string Name(string oid) => oid switch
    {
        ServerAuth => "serverAuth",
        ClientAuth => "clientAuth",
        _ => oid,
    };
}
