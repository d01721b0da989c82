namespace Seco.Protocol.Messages;

/// <summary>
/// The protocol phases that costs are reported under: the paper's setup, preprocessing and online phases (paper Fig. 3,
/// §VI), with preprocessing split by who takes part and the per-query part of the paper's setup counted per query (D11).
/// </summary>
public enum ProtocolPhase
{
    /// <summary>Once per server set and user: MPHE key generation (CKG, RTG), the user's keys, OT base setups.</summary>
    Setup,

    /// <summary>Per query, servers only: preparation of F_BC (masks, E¹ by collective decryption, garbling, A's labels).</summary>
    ServerPreprocessing,

    /// <summary>Per query, with the user: DELPHI preprocessing of F_A and the transition layer l+1.</summary>
    UserPreprocessing,

    /// <summary>Per query, input known: F_A with the user, the transition, F_BC with B and C only.</summary>
    Online,

    /// <summary>Per query: the output ciphertexts to the user.</summary>
    Output,
}

/// <summary>Stable names of the phases as they appear in reports.</summary>
public static class ProtocolPhases
{
    public static string Name(ProtocolPhase phase) => phase switch
    {
        ProtocolPhase.Setup => "setup",
        ProtocolPhase.ServerPreprocessing => "fbc-prep",
        ProtocolPhase.UserPreprocessing => "user-prep",
        ProtocolPhase.Online => "online",
        ProtocolPhase.Output => "output",
        _ => throw new ArgumentOutOfRangeException(nameof(phase)),
    };

    /// <summary>True for the phases that run before the input is known.</summary>
    public static bool IsOffline(ProtocolPhase phase) => phase is ProtocolPhase.Setup or ProtocolPhase.ServerPreprocessing or ProtocolPhase.UserPreprocessing;
}

/// <summary>One SECO protocol message. Every concrete type has exactly one codec in <see cref="SecoCodecs"/>.</summary>
public abstract record SecoMessage
{
    /// <summary>The phase whose cost this message (and the handler that sends it) belongs to.</summary>
    public abstract ProtocolPhase Phase { get; }
}

/// <summary>A per-query message; <see cref="Query"/> numbers the queries of one session from 0.</summary>
public abstract record QueryMessage(int Query) : SecoMessage;
