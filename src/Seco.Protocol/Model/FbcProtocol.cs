namespace Seco.Protocol.Model;

/// <summary>
/// Who evaluates F_BC's garbled ReLU circuits (paper §VIII-C-1, App. C). Everything else — the split, the weight shares,
/// the MPHE preparation that gives A its share E¹ = F r − Σ_j s^j, the output path — is the same in both.
/// </summary>
public enum FbcProtocol
{
    /// <summary>
    /// SECO (paper §VI, docs/hierarchy.md): a tier's garbler (B) garbles, its evaluator (C) evaluates, A gives its labels
    /// offline and is idle while F_BC runs online.
    /// </summary>
    Seco,

    /// <summary>
    /// The paper's DELPHI-3 baseline (App. C; Fig. 6): B garbles, <b>A evaluates</b>, C provides its inputs by OT from B
    /// and forwards the labels to A. A is online for every F_BC ReLU block. One remote tier of two servers only — the
    /// paper's four-party setting.
    /// </summary>
    Delphi3,
}
