namespace Seco.Scenarios.Loading;

/// <summary>Reads <c>load</c>: users, arrivals (closed with think_ms, or open with rate_per_s), preprocess, schedule, seed.</summary>
internal static class LoadReader
{
    public static LoadSpec? Read(LoadContext context, SourceNode? node, string path)
    {
        if (node is null)
            return LoadSpec.Default;
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "users", "arrivals", "think_ms", "rate_per_s", "preprocess", "schedule", "pool", "seed");
        int? users = fields.Get("users") is { } u ? context.ReadInt(u, fields.PathOf("users"), 1, Protocol.Roles.Party.MaxUsers) : 1;
        ArrivalProcess? arrivals = Choice(context, fields, "arrivals", LoadSpec.ArrivalNames, ArrivalProcess.Closed, "arrival process");
        double? think = 0, rate = null;
        if (arrivals == ArrivalProcess.Open)
        {
            fields.Reject("think_ms", "an open loop has no think time: its queries arrive at rate_per_s whatever the users do");
            if (fields.Require("rate_per_s") is { } r)
                rate = context.ReadNumber(r, fields.PathOf("rate_per_s"), 0, exclusive: true);
        }
        else if (arrivals == ArrivalProcess.Closed)
        {
            fields.Reject("rate_per_s", "only an open loop ('arrivals: open') has a rate; a closed loop's users send on when their last query is over");
            if (fields.Get("think_ms") is { } t)
                think = context.ReadNumber(t, fields.PathOf("think_ms"), 0, exclusive: false);
        }
        UserPreprocessingTime? preprocess = Choice(context, fields, "preprocess", LoadSpec.PreprocessNames, UserPreprocessingTime.OnArrival, "preprocessing time");
        QuerySchedule? schedule = Choice(context, fields, "schedule", LoadSpec.ScheduleNames, QuerySchedule.Sequential, "schedule");
        int? pool = fields.Get("pool") is { } pl ? context.ReadInt(pl, fields.PathOf("pool"), 0, LoadSpec.MaxPool) : 0;
        ulong? seed = fields.Get("seed") is { } s ? context.ReadUInt64(s, fields.PathOf("seed")) : LoadSpec.DefaultSeed;
        if (context.ErrorCount > before || users is null || arrivals is null || think is null || preprocess is null || schedule is null || pool is null || seed is null
            || (arrivals == ArrivalProcess.Open && rate is null))
            return null;
        return new LoadSpec(users.Value, arrivals.Value, think.Value, rate, preprocess.Value, seed.Value, schedule.Value, pool.Value);
    }

    /// <summary>One of <paramref name="names"/> (the enum's members in order), <paramref name="fallback"/> when absent, null (reported) when unknown.</summary>
    private static T? Choice<T>(LoadContext context, MappingReader fields, string key, IReadOnlyList<string> names, T fallback, string what) where T : struct, Enum
    {
        if (fields.Get(key) is not { } node)
            return fallback;
        if (context.ReadString(node, fields.PathOf(key)) is not { } name)
            return null;
        int k = names.ToList().IndexOf(name);
        if (k >= 0)
            return (T)(object)k;
        context.Error(node.Location, fields.PathOf(key), $"unknown {what} '{SourceScalar.Shorten(name)}': {string.Join(" or ", names)}" + Spelling.Hint(name, names.ToList(), "known"));
        return null;
    }
}
