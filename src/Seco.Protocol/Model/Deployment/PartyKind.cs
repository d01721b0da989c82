namespace Seco.Protocol.Model.Deployment;

/// <summary>Whose party file it is. The numbers are written in every file: never renumber them.</summary>
public enum PartyKind
{
    /// <summary>The user: F_A's architecture and the sizes it handles (<see cref="UserView"/>); no weight.</summary>
    User = 0,

    /// <summary>Gateway A: F_A's weights and biases in plaintext, every block's shape.</summary>
    Gateway = 1,

    /// <summary>Garbler B: its additive share F², b² of F_BC, every block's shape.</summary>
    Garbler = 2,

    /// <summary>Evaluator C: its additive share F³, b³ of F_BC, every block's shape.</summary>
    Evaluator = 3,
}
