namespace Seco.Scenarios.Loading;

/// <summary>Reads <c>queries</c>: how many, and inputs from an IDX file or random.</summary>
internal static class QueryReader
{
    /// <param name="inputUnusedBy">The workload that reads no inputs (echo), making <c>input</c> an error; null for inference or when the workload is unknown.</param>
    public static QuerySpec? Read(LoadContext context, SourceNode? node, string path, WorkloadSpec? inputUnusedBy = null)
    {
        if (node is null)
            return QuerySpec.Default;
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        var fields = new MappingReader(context, mapping, path, "count", "input");
        int? count = fields.Get("count") is { } c ? context.ReadInt(c, fields.PathOf("count"), 1, QuerySpec.MaxCount) : QuerySpec.DefaultCount;
        QueryInput? input = RandomInput.Instance;
        if (inputUnusedBy is not null)
        {
            if (fields.Reject("input", $"not used by the {inputUnusedBy.Name} workload; remove it"))
                input = null;
        }
        else if (fields.Get("input") is { } i)
        {
            input = ReadInput(context, i, fields.PathOf("input"));
        }
        return count is not null && input is not null ? new QuerySpec(count.Value, input) : null;
    }

    private static QueryInput? ReadInput(LoadContext context, SourceNode node, string path)
    {
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "images", "labels", "offset", "random");

        if (fields.Has("random"))
        {
            SourceNode randomNode = fields.Get("random")!;
            if (context.ReadBoolean(randomNode, fields.PathOf("random")) is false)
                context.Error(randomNode.Location, fields.PathOf("random"), "only 'random: true' is meaningful; to read inputs from a file, set 'images' instead");
            if (fields.Has("images"))
                context.Error(mapping.Location, path, "set either 'images' or 'random: true', not both");
            foreach (string key in new[] { "labels", "offset" })
            {
                if (!fields.Has("images") && fields.Get(key) is { } extra)
                    context.Error(extra.Location, fields.PathOf(key), "only valid with 'images'");
            }
            return context.ErrorCount == before ? RandomInput.Instance : null;
        }

        if (!fields.Has("images"))
        {
            context.Error(mapping.Location, fields.PathOf("images"), "required key is missing (set 'images' to an IDX file, or 'random: true')");
            return null;
        }
        string? images = context.ReadExistingFile(fields.Get("images")!, fields.PathOf("images"));
        string? labels = fields.Get("labels") is { } l ? context.ReadExistingFile(l, fields.PathOf("labels")) : null;
        int? offset = fields.Get("offset") is { } o ? context.ReadInt(o, fields.PathOf("offset"), 0) : 0;
        return context.ErrorCount == before && images is not null && offset is not null ? new IdxInput(images, labels, offset.Value) : null;
    }
}
