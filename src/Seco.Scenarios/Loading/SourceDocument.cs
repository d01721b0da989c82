namespace Seco.Scenarios.Loading;

/// <summary>
/// The front of every load: a file or text becomes a <see cref="SourceNode"/> tree, or null
/// after the reason was reported to the <see cref="LoadContext"/> (a directory, a file over the
/// size limit, not UTF-8 text, a raw control character, malformed or too deeply nested YAML).
/// Scenario files and the cluster's configuration files share it; each then reads the tree with
/// its own readers.
/// </summary>
internal static class SourceDocument
{
    /// <summary>The tree of the file at <paramref name="fullPath"/>; errors name it as <see cref="LoadContext.File"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SourceNode? ReadFile(string fullPath, LoadContext context)
    {
        if (Directory.Exists(fullPath))
        {
            context.Error(SourceLocation.None, "", $"is a directory; expected a {context.Kind.Noun} file (YAML)");
            return null;
        }
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"{context.Kind.Noun} file not found: {Printable.Escape(context.File)}", fullPath);
        return ScenarioText.ReadFile(fullPath, context, context.Limits.MaxFileBytes) is { } text ? Parse(text, context) : null;
    }

    /// <summary>The tree of <paramref name="text"/> (already within the size limit, without a byte-order mark).</summary>
    public static SourceNode? Parse(string text, LoadContext context) =>
        ScenarioText.CheckCharacters(text, context) ? SourceTreeReader.Read(text, context, context.Limits) : null;
}
