namespace Seco.Scenarios.Loading;

/// <summary>
/// "Did you mean ...?" suggestions: the known name nearest to a misspelt one by optimal string
/// alignment distance (Levenshtein plus adjacent transpositions, so "modle" is one edit from
/// "model"), ignoring case. A name is suggested only when it is close: at most 1 edit for names
/// of up to 4 letters, 2 for longer ones, and never by replacing every letter ("D" is not a
/// misspelling of "A") — or when one is a prefix of the other ("latency" → "latency_ms").
/// </summary>
internal static class Spelling
{
    public static string? Nearest(string given, IEnumerable<string> known)
    {
        string? best = null;
        int bestScore = int.MaxValue;
        foreach (string candidate in known)
        {
            int score = Score(given, candidate);
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Lower is closer; <see cref="int.MaxValue"/> when too far to suggest.</summary>
    private static int Score(string given, string candidate)
    {
        string a = given.ToLowerInvariant();
        string b = candidate.ToLowerInvariant();
        int distance = Distance(a, b);
        int shorter = Math.Min(a.Length, b.Length);
        int allowed = shorter <= 4 ? 1 : 2;
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
        return nearest is not null ? $" (did you mean '{nearest}'?)" : $" ({listLabel}: {string.Join(", ", known)})";
    }
}
