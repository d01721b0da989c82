using System.Globalization;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// A query to mark on the timeline: from <see cref="BeginNs"/> to <see cref="EndNs"/> in virtual time, as
/// marked by <see cref="Party"/>; <see cref="EndNs"/> is null when the query never finished.
/// </summary>
public sealed record TimelineQuery(string Name, string Party, long BeginNs, long? EndNs)
{
    /// <summary>The query as the simulator reported it (its end is <c>EndMs</c>, null when not finished).</summary>
    public static TimelineQuery From(QueryReport q)
    {
        ArgumentNullException.ThrowIfNull(q);
        return new TimelineQuery(q.Query, q.Party, MsToNs(q.BeginMs), q.EndMs is { } end ? MsToNs(end) : null);
    }

    private static long MsToNs(double ms) => double.IsFinite(ms) ? (long)Math.Round(Math.Clamp(ms, 0, 9e12) * 1e6) : 0;
}

/// <summary>
/// Something injected into the whole run (a party stopped, a link dropped), marked by a dashed orange line
/// through every lane at <see cref="AtNs"/>; <see cref="What"/> is its tooltip.
/// </summary>
public sealed record TimelineIncident(long AtNs, string What)
{
    public static TimelineIncident From(InjectedFailure f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new TimelineIncident(f.AtNs, $"injected at {(f.AtNs / 1e6).ToString("0.###", CultureInfo.InvariantCulture)} ms: {f.What}");
    }
}

/// <summary>A failure to mark on <see cref="Party"/>'s lane at <see cref="AtNs"/>; <see cref="What"/> is its tooltip.</summary>
public sealed record TimelineFailure(long AtNs, string Party, string What)
{
    /// <summary>A session failure as the actor runtime recorded it, described as the CLI prints it.</summary>
    public static TimelineFailure From(SessionFailure f)
    {
        ArgumentNullException.ThrowIfNull(f);
        string ms = (f.AtNs / 1e6).ToString("0.###", CultureInfo.InvariantCulture);
        string where = f.Remote ? "reported to" : "at";
        return new TimelineFailure(f.AtNs, f.Party,
            $"session {f.Session} failed {where} {f.Party} {f.Actor} ({f.Phase}{(f.Kind is null ? "" : ", " + f.Kind)}, {ms} ms): {f.Error}");
    }
}
