using System.Collections;

namespace Seco.Scenarios.Loading;

/// <summary>
/// The parties a hierarchy names, in order ("user", the gateway, the servers), with a set for
/// lookups: links, party settings and failures each look names up, and a file may name tens of
/// thousands of parties, so a list scan per lookup would make loading quadratic.
/// </summary>
internal sealed class PartyList(IReadOnlyList<string> names) : IReadOnlyList<string>
{
    private readonly HashSet<string> _set = new(names, StringComparer.Ordinal);

    public int Count => names.Count;

    public string this[int index] => names[index];

    /// <summary>Exact, case-sensitive match.</summary>
    public bool Contains(string name) => _set.Contains(name);

    public IEnumerator<string> GetEnumerator() => names.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
