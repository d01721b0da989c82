namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads <c>workload</c>: a name (<c>inference</c>, <c>echo</c>) or a mapping with exactly one
/// workload as key and its settings as value (<c>echo: { request_bytes, reply_bytes, rounds }</c>).
/// </summary>
internal static class WorkloadReader
{
    private const string Expected =
        "a workload name (inference or echo) or a mapping such as { echo: { request_bytes: 1024 } }";

    public static WorkloadSpec? Read(LoadContext context, SourceNode node, string path)
    {
        switch (node)
        {
            case SourceScalar { Kind: not ScalarKind.Null }:
                if (context.ReadString(node, path) is not { } name)
                    return null;
                switch (name)
                {
                    case InferenceWorkload.WorkloadName: return InferenceWorkload.Instance;
                    case EchoWorkload.WorkloadName: return EchoWorkload.Default;
                }
                context.Error(node.Location, path, $"unknown workload '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, WorkloadSpec.Names, "known workloads"));
                return null;
            case SourceMapping mapping:
                return ReadMapping(context, mapping, path);
            default:
                context.TypeError(node, path, Expected);
                return null;
        }
    }

    private static WorkloadSpec? ReadMapping(LoadContext context, SourceMapping mapping, string path)
    {
        var fields = new MappingReader(context, mapping, path, [.. WorkloadSpec.Names]);
        if (mapping.Entries.Count == 0)
        {
            context.Error(mapping.Location, path, "expected one workload (inference or echo), got an empty mapping");
            return null;
        }
        if (fields.Has(InferenceWorkload.WorkloadName) && fields.Has(EchoWorkload.WorkloadName))
        {
            context.Error(mapping.Location, path, "choose one workload, 'inference' or 'echo', not both");
            return null;
        }
        if (fields.Reject(InferenceWorkload.WorkloadName, "the inference workload has no settings; write 'workload: inference'"))
            return null;
        // Otherwise echo, or only unknown keys (already reported).
        return fields.Get(EchoWorkload.WorkloadName) is { } echo ? ReadEcho(context, echo, fields.PathOf(EchoWorkload.WorkloadName)) : null;
    }

    private static EchoWorkload? ReadEcho(LoadContext context, SourceNode node, string path)
    {
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, "a mapping of echo settings (request_bytes, reply_bytes, rounds), or 'workload: echo' for the defaults");
            return null;
        }
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "request_bytes", "reply_bytes", "rounds");
        int? request = fields.Get("request_bytes") is { } q
            ? context.ReadInt(q, fields.PathOf("request_bytes"), 0, EchoWorkload.MaxBytes)
            : EchoWorkload.DefaultRequestBytes;
        int? reply = fields.Get("reply_bytes") is { } r
            ? context.ReadInt(r, fields.PathOf("reply_bytes"), 0, EchoWorkload.MaxBytes)
            : request;
        int? rounds = fields.Get("rounds") is { } n
            ? context.ReadInt(n, fields.PathOf("rounds"), 1, EchoWorkload.MaxRounds)
            : EchoWorkload.DefaultRounds;
        return context.ErrorCount == before && request is not null && reply is not null && rounds is not null
            ? new EchoWorkload(request.Value, reply.Value, rounds.Value)
            : null;
    }
}
