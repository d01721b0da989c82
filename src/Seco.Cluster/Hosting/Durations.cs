namespace Seco.Cluster.Hosting;

/// <summary>Durations as people write them in configs and read them in logs: 500 ms, 5 s, 2 min.</summary>
public static class Durations
{
    public static string Show(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0} ms" : t.TotalMinutes < 2 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMinutes:0.#} min";
}
