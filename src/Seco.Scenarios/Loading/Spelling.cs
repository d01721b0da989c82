namespace Seco.Scenarios.Loading;

/// <summary>
/// "Did you mean ...?" suggestions: the known name nearest to a misspelt one by optimal string
/// alignment distance (Levenshtein plus adjacent transpositions, so "modle" is one edit from
/// "model"), ignoring case. A name is suggested only when it is close: at most 1 edit for names
/// of up to 4 letters, 2 for longer ones, and never by replacing every letter ("D" is not a
/// misspelling of "A") — or when one is a prefix of the other ("latency" → "latency_ms").
/// Hostile input stays cheap: the edit distance is computed only for names of similar length
/// (no more than 2 apart, the most it may be), and a list of allowed names is cut after
/// <see cref="MaxListed"/>.
/// </summary>
internal static class Spelling
{
    /// <summary>How many allowed names a hint lists before "…".</summary>
    public const int MaxListed = 16;

    public static string? Nearest(string given, IEnumerable<string> known)
    {
        string? best = null;
        int bestScore = int.MaxValue;
        string a = given.ToLowerInvariant();
        foreach (string candidate in known)
        {
            int score = Score(a, candidate.ToLowerInvariant());
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Lower is closer; <see cref="int.MaxValue"/> when too far to suggest. Both in lower case.</summary>
    private static int Score(string a, string b)
    {
        int shorter = Math.Min(a.Length, b.Length);
        int allowed = shorter <= 4 ? 1 : 2;
        // The distance is at least the difference in length; past the allowed edits, don't compute it.
        int distance = Math.Abs(a.Length - b.Length) <= allowed ? Distance(a, b) : int.MaxValue;
        // distance < shorter: replacing every letter ("D" for "A") is no misspelling.
        if (distance <= allowed && distance < shorter)
            return 2 * distance;
        bool prefix = shorter >= 3 && (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal));
        return prefix ? 2 * allowed + 1 : int.MaxValue;
    }

    /// <summary>Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    best = Math.Min(best, d[i - 2, j - 2] + 1);
                d[i, j] = best;
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>" (did you mean 'x'?)" or " (expected one of: a, b, c)" — the tail of an "unknown ..." message.</summary>
    public static string Hint(string given, IReadOnlyCollection<string> known, string listLabel = "expected one of")
    {
        string? nearest = Nearest(given, known);
        if (nearest is not null)
            return $" (did you mean '{nearest}'?)";
        string list = string.Join(", ", known.Take(MaxListed));
        return known.Count <= MaxListed ? $" ({listLabel}: {list})" : $" ({listLabel}: {list}, … {known.Count:N0} in all)";
    }
}
