namespace Seco.Scenarios.Loading;

/// <summary>Field paths as shown in errors: <c>hierarchy.tiers[0].servers[1]</c>; the root is "".</summary>
internal static class FieldPath
{
    public static string Key(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";
}
