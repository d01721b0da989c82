namespace Seco.Scenarios.Loading;

/// <summary>Reads <c>model</c>: a mapping <c>{ path, fractional_bits }</c>, or just the path as a string.</summary>
internal static class ModelReader
{
    public static ModelSpec? Read(LoadContext context, SourceNode node, string path)
    {
        if (node is SourceScalar { Kind: not ScalarKind.Null })
            return context.ReadExistingFile(node, path) is { } shorthand ? new ModelSpec(shorthand) : null;
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, "a mapping with 'path' (or the path as a string)");
            return null;
        }
        var fields = new MappingReader(context, mapping, path, "path", "fractional_bits");
        int before = context.ErrorCount;
        string? file = fields.Require("path") is { } p ? context.ReadExistingFile(p, fields.PathOf("path")) : null;
        int? bits = fields.Get("fractional_bits") is { } b
            ? context.ReadInt(b, fields.PathOf("fractional_bits"), ModelSpec.MinFractionalBits, ModelSpec.MaxFractionalBits)
            : ModelSpec.DefaultFractionalBits;
        return context.ErrorCount == before && file is not null && bits is not null ? new ModelSpec(file, bits.Value) : null;
    }
}
