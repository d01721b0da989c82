namespace Seco.Scenarios.Loading;

/// <summary>Reads a protocol name (<c>seco</c>, <c>delphi</c>, <c>delphi-3</c>): a scenario's <c>protocol</c>, a sweep's <c>grid.protocol</c> values.</summary>
internal static class ProtocolReader
{
    public static InferenceProtocol? Read(LoadContext context, SourceNode node, string path)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        if (InferenceProtocols.Parse(name) is { } protocol)
            return protocol;
        context.Error(node.Location, path, $"unknown protocol '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, InferenceProtocols.Names, "known protocols"));
        return null;
    }
}
