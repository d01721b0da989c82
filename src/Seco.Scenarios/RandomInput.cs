namespace Seco.Scenarios;

/// <summary>
/// Uniformly random inputs of the model's input shape: for measuring cost when accuracy does not
/// matter. The result is still compared with the plaintext fixed-point reference.
/// </summary>
public sealed record RandomInput : QueryInput
{
    public static RandomInput Instance { get; } = new();
}
