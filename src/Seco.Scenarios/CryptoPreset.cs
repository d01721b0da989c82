namespace Seco.Scenarios;

/// <summary>
/// A named set of cryptographic parameters. Only the name is fixed here; Seco.Lattice turns it
/// into validated BFV parameters (decision D4, docs/protocol-decisions.md).
/// </summary>
public sealed record CryptoPreset(string Name, string Description)
{
    /// <summary>The production parameters: BFV n = 8192, t = p = 2061584302081, 218-bit q, 128-bit security.</summary>
    public static CryptoPreset Seco8192 { get; } = new("seco-8192",
        "BFV n=8192, t=2061584302081 (41-bit prime), 218-bit q (43+43+44+44+44), 128-bit security");

    /// <summary>Small, fast and insecure: for tests only.</summary>
    public static CryptoPreset Test4096 { get; } = new("test-4096",
        "BFV n=4096 with the same t; small and fast, NOT secure, for tests only");

    public static CryptoPreset Default => Seco8192;

    public static IReadOnlyList<CryptoPreset> All { get; } = [Seco8192, Test4096];

    public static CryptoPreset? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
