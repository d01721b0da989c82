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
        ArrivalProcess? arrivals = ArrivalProcess.Closed;
        if (fields.Get("arrivals") is { } a && context.ReadString(a, fields.PathOf("arrivals")) is { } name)
        {
            int k = LoadSpec.ArrivalNames.ToList().IndexOf(name);
            arrivals = k < 0 ? null : (ArrivalProcess)k;
            if (k < 0)
                context.Error(a.Location, fields.PathOf("arrivals"), $"unknown arrival process '{SourceScalar.Shorten(name)}': closed or open" + Spelling.Hint(name, LoadSpec.ArrivalNames, "known"));
        }
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
        UserPreprocessingTime? preprocess = UserPreprocessingTime.OnArrival;
        if (fields.Get("preprocess") is { } p && context.ReadString(p, fields.PathOf("preprocess")) is { } when)
        {
            int k = LoadSpec.PreprocessNames.ToList().IndexOf(when);
            preprocess = k < 0 ? null : (UserPreprocessingTime)k;
            if (k < 0)
                context.Error(p.Location, fields.PathOf("preprocess"), $"unknown preprocessing time '{SourceScalar.Shorten(when)}': on-arrival or ahead" + Spelling.Hint(when, LoadSpec.PreprocessNames, "known"));
        }
        QuerySchedule? schedule = QuerySchedule.Sequential;
        if (fields.Get("schedule") is { } sc && context.ReadString(sc, fields.PathOf("schedule")) is { } how)
        {
            int k = LoadSpec.ScheduleNames.ToList().IndexOf(how);
            schedule = k < 0 ? null : (QuerySchedule)k;
            if (k < 0)
                context.Error(sc.Location, fields.PathOf("schedule"), $"unknown schedule '{SourceScalar.Shorten(how)}': sequential or pipelined" + Spelling.Hint(how, LoadSpec.ScheduleNames, "known"));
        }
        int? pool = fields.Get("pool") is { } pl ? context.ReadInt(pl, fields.PathOf("pool"), 0, LoadSpec.MaxPool) : 0;
        ulong? seed = fields.Get("seed") is { } s ? context.ReadUInt64(s, fields.PathOf("seed")) : LoadSpec.DefaultSeed;
        if (context.ErrorCount > before || users is null || arrivals is null || think is null || preprocess is null || schedule is null || pool is null || seed is null
            || (arrivals == ArrivalProcess.Open && rate is null))
            return null;
        return new LoadSpec(users.Value, arrivals.Value, think.Value, rate, preprocess.Value, seed.Value, schedule.Value, pool.Value);
    }
}
