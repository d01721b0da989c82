using Seco.Protocol.Roles;

namespace Seco.Scenarios;

/// <summary>How the queries of a run arrive (docs/scenarios.md, "load").</summary>
public enum ArrivalProcess
{
    /// <summary>Closed loop: each user sends its next query <see cref="LoadSpec.ThinkMs"/> after its last one finished.</summary>
    Closed,

    /// <summary>Open loop: one Poisson stream at <see cref="LoadSpec.RatePerSecond"/>; query i goes to user i mod users.</summary>
    Open,
}

/// <summary>When a user preprocesses a query (its DELPHI preprocessing, which never reads the input).</summary>
public enum UserPreprocessingTime
{
    /// <summary>When the query's input arrives: the preprocessing is part of the query's latency.</summary>
    OnArrival,

    /// <summary>As soon as the user's previous query is over, before the input arrives.</summary>
    Ahead,
}

/// <summary>How a user's consecutive queries overlap (issue 22, "Pipelining").</summary>
public enum QuerySchedule
{
    /// <summary>One query at a time: the next begins when the last one is over.</summary>
    Sequential,

    /// <summary>The next query's preprocessing begins as soon as the last one goes online: two queries in flight.</summary>
    Pipelined,
}

/// <summary>
/// The <c>load</c> section (issue 22): how many user sessions run at once through the gateway, and how their queries
/// arrive. Without it a run has one user that sends its queries one after another, each on arrival — the closed loop
/// of one user with no think time.
/// </summary>
public sealed record LoadSpec
{
    public LoadSpec(int users, ArrivalProcess arrivals, double thinkMs, double? ratePerSecond, UserPreprocessingTime preprocess, ulong seed,
        QuerySchedule schedule = QuerySchedule.Sequential, int pool = 0)
    {
        if (pool is < 0 or > MaxPool)
            throw new ArgumentOutOfRangeException(nameof(pool), pool, $"a pool holds 0 to {MaxPool} queries");
        if (users is < 1 or > Party.MaxUsers)
            throw new ArgumentOutOfRangeException(nameof(users), users, $"users must be between 1 and {Party.MaxUsers}");
        if (!double.IsFinite(thinkMs) || thinkMs < 0)
            throw new ArgumentOutOfRangeException(nameof(thinkMs), thinkMs, "think time must be a finite number of milliseconds >= 0");
        if ((arrivals == ArrivalProcess.Open) != ratePerSecond.HasValue || ratePerSecond is { } rate && (!double.IsFinite(rate) || rate <= 0))
            throw new ArgumentException("an open loop needs a finite rate > 0, and only an open loop has one", nameof(ratePerSecond));
        Users = users;
        Arrivals = arrivals;
        ThinkMs = thinkMs;
        RatePerSecond = ratePerSecond;
        Preprocess = preprocess;
        Seed = seed;
        Schedule = schedule;
        Pool = pool;
    }

    /// <summary>The deepest preprocessing pool a user keeps.</summary>
    public const int MaxPool = 64;

    /// <summary>
    /// Queries each user keeps preprocessed ahead of their inputs (0: no pool). A pooled query's preprocessing sets off
    /// the servers' F_BC preparation for it, so it is ready end to end when its input arrives.
    /// </summary>
    public int Pool { get; }

    /// <summary>One user, closed loop, no think time, preprocessing on arrival: what a file without <c>load</c> runs.</summary>
    public static LoadSpec Default { get; } = new(1, ArrivalProcess.Closed, 0, null, UserPreprocessingTime.OnArrival, DefaultSeed);

    public const ulong DefaultSeed = 1;

    /// <summary>User sessions at once, each on its own machine with the user's link to the gateway.</summary>
    public int Users { get; }

    public ArrivalProcess Arrivals { get; }

    /// <summary>Closed loop: the pause between a user's query finishing and its next arriving.</summary>
    public double ThinkMs { get; }

    /// <summary>Open loop: λ, queries per second across all users.</summary>
    public double? RatePerSecond { get; }

    public UserPreprocessingTime Preprocess { get; }

    /// <summary>Whether a user's next query preprocesses while its last one is online.</summary>
    public QuerySchedule Schedule { get; }

    /// <summary>The arrival process's seed: arrival times are public, so a fixed default keeps runs comparable.</summary>
    public ulong Seed { get; }

    /// <summary>True for anything but the one-user default (the runs this release keeps within one key set).</summary>
    public bool IsMultiUser => Users > 1 || Arrivals == ArrivalProcess.Open || ThinkMs > 0 || Preprocess == UserPreprocessingTime.Ahead
        || Schedule == QuerySchedule.Pipelined || Pool > 0;

    /// <summary>The user that sends query <paramref name="query"/> of the run: round robin.</summary>
    public int UserOf(int query) => query % Users;

    /// <summary>
    /// Open loop: the arrival times of <paramref name="count"/> queries in ms from the moment every user is set up —
    /// exponential gaps at rate λ from <see cref="Seed"/>.
    /// </summary>
    public double[] OpenArrivalsMs(int count)
    {
        if (RatePerSecond is not { } rate)
            throw new InvalidOperationException("a closed loop has no arrival times of its own");
        var random = new Random(unchecked((int)Seed ^ (int)(Seed >> 32)));
        var at = new double[count];
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            t += -Math.Log(1 - random.NextDouble()) / rate * 1000;
            at[i] = t;
        }
        return at;
    }

    public static IReadOnlyList<string> ArrivalNames { get; } = ["closed", "open"];

    public static IReadOnlyList<string> PreprocessNames { get; } = ["on-arrival", "ahead"];

    public static string NameOf(ArrivalProcess a) => ArrivalNames[(int)a];

    public static string NameOf(UserPreprocessingTime p) => PreprocessNames[(int)p];

    public static IReadOnlyList<string> ScheduleNames { get; } = ["sequential", "pipelined"];

    public static string NameOf(QuerySchedule s) => ScheduleNames[(int)s];

    /// <summary>This load with another user count, rate, schedule or pool (a sweep's point).</summary>
    public LoadSpec With(int? users = null, double? rate = null, QuerySchedule? schedule = null, int? pool = null) =>
        new(users ?? Users, Arrivals, ThinkMs, rate ?? RatePerSecond, Preprocess, Seed, schedule ?? Schedule, pool ?? Pool);
}
