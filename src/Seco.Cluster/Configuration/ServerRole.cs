namespace Seco.Cluster.Configuration;

/// <summary>
/// What a server does in the deployment (the <c>role</c> of a <c>servers</c> entry: <c>gateway</c>,
/// <c>garbler</c>, <c>evaluator</c>). The protocol runs one tier of two remote servers, so a
/// deployment has exactly one of each.
/// </summary>
public enum ServerRole
{
    Gateway,
    Garbler,
    Evaluator,
}
