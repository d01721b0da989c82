using System.Collections.Immutable;

namespace Seco.Scenarios;

/// <summary>
/// One tier of remote servers. The servers hold additive shares of the same remote layers; for
/// each ReLU, one of them garbles the circuit and one evaluates it (paper §III-B-4, Alg. 9).
/// </summary>
public sealed record Tier
{
    public const int MinServers = 2;

    /// <param name="garbler">Defaults to the first server (that is not the evaluator).</param>
    /// <param name="evaluator">Defaults to the first server that is not the garbler (the second, when neither is given).</param>
    public Tier(string name, IEnumerable<string> servers, string? garbler = null, string? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(servers);
        if (!PartyName.IsValid(name))
            throw new ArgumentException($"tier name '{name}' must match {PartyName.Pattern}", nameof(name));
        ImmutableArray<string> list = [.. servers];
        if (list.Length < MinServers)
            throw new ArgumentException($"tier '{name}' needs at least {MinServers} servers, got {list.Length}", nameof(servers));
        foreach (string server in list)
        {
            if (PartyName.ProblemWithServerName(server) is { } problem)
                throw new ArgumentException($"tier '{name}': {problem}", nameof(servers));
        }
        // Defaults: the first and second server; when one role is given, the first other server.
        garbler ??= list.First(s => s != evaluator);
        evaluator ??= list.First(s => s != garbler);
        if (!list.Contains(garbler))
            throw new ArgumentException($"garbler '{garbler}' is not a server of tier '{name}'", nameof(garbler));
        if (!list.Contains(evaluator))
            throw new ArgumentException($"evaluator '{evaluator}' is not a server of tier '{name}'", nameof(evaluator));
        if (garbler == evaluator)
            throw new ArgumentException($"tier '{name}': garbler and evaluator must be different servers", nameof(evaluator));
        Name = name;
        Servers = list;
        Garbler = garbler;
        Evaluator = evaluator;
    }

    public string Name { get; }

    /// <summary>The tier's servers, in file order.</summary>
    public IReadOnlyList<string> Servers { get; }

    public string Garbler { get; }

    public string Evaluator { get; }

    /// <summary>How many consecutive F_BC blocks the tier holds (<c>blocks:</c>); null: an even share (docs/hierarchy.md).</summary>
    public int? Blocks { get; init; }

    /// <summary>The servers in protocol order: garbler (server 0), evaluator (server 1), then the providers in file order.</summary>
    public IReadOnlyList<string> ProtocolOrder => [Garbler, Evaluator, .. Servers.Where(s => s != Garbler && s != Evaluator)];
}
