namespace Seco.Scenarios;

/// <summary>
/// Which secure-inference protocol an inference scenario runs (docs/scenarios.md, "Protocols"). SECO is the product;
/// the others are the paper's baselines, run by the same roles and measured in the same report so that a comparison
/// is one scenario key apart.
/// </summary>
public enum InferenceProtocol
{
    /// <summary><c>seco</c>: F_A between the user and the gateway, F_BC on the remote tiers (paper §VI).</summary>
    Seco,

    /// <summary>
    /// <c>delphi</c>: DELPHI (Mishra et al., USENIX Security 2020) between the user and one server, the gateway, for the
    /// whole model — SECO at l = L, where no remote tier takes part (paper §VIII-C-1-a). The hierarchy's remote
    /// servers stay idle.
    /// </summary>
    Delphi,

    /// <summary>
    /// <c>delphi-3</c>: the paper's naive three-server extension (App. C, §VIII-C-1, Fig. 6): SECO's split and
    /// preparation, but for F_BC B garbles, <b>the gateway A evaluates</b> and C gives its inputs by OT, so all three
    /// servers are online (docs/hierarchy.md, "DELPHI-3 baseline"). One remote tier of two servers.
    /// </summary>
    Delphi3,
}

/// <summary>The protocols' names in scenario and sweep files, and in reports.</summary>
public static class InferenceProtocols
{
    public static IReadOnlyList<InferenceProtocol> All { get; } = Enum.GetValues<InferenceProtocol>();

    public static string Name(InferenceProtocol protocol) => protocol switch
    {
        InferenceProtocol.Seco => "seco",
        InferenceProtocol.Delphi => "delphi",
        InferenceProtocol.Delphi3 => "delphi-3",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>How reports and headings name it: SECO, DELPHI, DELPHI-3.</summary>
    public static string Title(InferenceProtocol protocol) => Name(protocol).ToUpperInvariant();

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(Name)];

    public static InferenceProtocol? Parse(string name) =>
        All.Where(p => Name(p) == name).Select(p => (InferenceProtocol?)p).FirstOrDefault();
}

