using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests;

/// <summary>Parties named in theory data (attributes take constants; <see cref="Party"/> is a struct).</summary>
internal static class TestParties
{
    public static Party Of(string name) => name switch
    {
        "User" => Party.User,
        "Gateway" => Party.Gateway,
        "Garbler" => Party.Garbler,
        "Evaluator" => Party.Evaluator,
        _ when name.StartsWith("T", StringComparison.Ordinal) && name.Split('.') is [var t, var i] => Party.Server(int.Parse(t[1..]), int.Parse(i)),
        _ => throw new ArgumentException($"no party '{name}'"),
    };
}
