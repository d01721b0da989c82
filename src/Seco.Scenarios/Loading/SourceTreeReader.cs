using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Turns YAML text into a <see cref="SourceNode"/> tree with positions, from YamlDotNet's parser
/// events. A syntax error is reported at YamlDotNet's position and ends the load (nothing after
/// it can be trusted). Aliases are refused: they are never needed in a scenario, and refusing
/// them rules out "billion laughs" expansion.
/// </summary>
internal static class SourceTreeReader
{
    private const int MaxDepth = 64;

    public static SourceNode? Read(string text, LoadContext context)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            parser.MoveNext();
            Expect<StreamStart>(parser, ref last);
            if (parser.Current is StreamEnd)
            {
                context.Error(new SourceLocation(1, 1), "", "the file is empty; a scenario needs at least 'version: 1'");
                return null;
            }
            Expect<DocumentStart>(parser, ref last);
            SourceNode root = ReadNode(parser, context, 0, ref last);
            Expect<DocumentEnd>(parser, ref last);
            if (parser.Current is DocumentStart second)
            {
                context.Error(At(second.Start), "", "a scenario file holds exactly one YAML document (found a second '---')");
                return null;
            }
            return root;
        }
        catch (YamlException e)
        {
            context.Error(TabPosition(text, e) ?? At(e.Start), "", $"malformed YAML: {e.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some unterminated
            // flow collections ("a: [1, 2" followed by more lines). Point at the last good event.
            context.Error(At(last), "", "malformed YAML: unexpected text after this point (an unclosed '[' or '{'?)");
            return null;
        }
    }

    private static SourceNode ReadNode(IParser parser, LoadContext context, int depth, ref Mark last)
    {
        ParsingEvent current = parser.Current ?? throw new YamlException(last, last, "unexpected end of input");
        SourceLocation at = At(current.Start);
        if (depth > MaxDepth)
        {
            context.Error(at, "", $"malformed YAML: nested deeper than {MaxDepth} levels");
            Skip(parser, ref last);
            return new SourceInvalid(at);
        }
        switch (current)
        {
            case Scalar scalar:
                Next(parser, ref last);
                bool forcedString = !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str";
                return new SourceScalar(at, scalar.Value, scalar.Style == ScalarStyle.Plain && !forcedString);
            case SequenceStart:
            {
                Next(parser, ref last);
                var items = new List<SourceNode>();
                while (parser.Current is not SequenceEnd)
                    items.Add(ReadNode(parser, context, depth + 1, ref last));
                Next(parser, ref last);
                return new SourceSequence(at, items);
            }
            case MappingStart:
            {
                Next(parser, ref last);
                var entries = new List<KeyValuePair<SourceNode, SourceNode>>();
                while (parser.Current is not MappingEnd)
                {
                    SourceNode key = ReadNode(parser, context, depth + 1, ref last);
                    SourceNode value = ReadNode(parser, context, depth + 1, ref last);
                    entries.Add(new(key, value));
                }
                Next(parser, ref last);
                return new SourceMapping(at, entries);
            }
            case AnchorAlias alias:
                context.Error(at, "", $"aliases (*{alias.Value}) are not supported in scenario files; write the value out");
                Next(parser, ref last);
                return new SourceInvalid(at);
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    /// <summary>Skips one node and everything inside it.</summary>
    private static void Skip(IParser parser, ref Mark last)
    {
        int open = 0;
        do
        {
            if (parser.Current is SequenceStart or MappingStart) open++;
            else if (parser.Current is SequenceEnd or MappingEnd) open--;
            Next(parser, ref last);
        }
        while (open > 0);
    }

    private static void Expect<T>(IParser parser, ref Mark last) where T : ParsingEvent
    {
        if (parser.Current is not T)
        {
            Mark at = parser.Current?.Start ?? last;
            throw new YamlException(at, at, $"expected {typeof(T).Name}, found {parser.Current?.GetType().Name ?? "end of input"}");
        }
        Next(parser, ref last);
    }

    private static void Next(IParser parser, ref Mark last)
    {
        if (parser.Current is { } current)
            last = current.End;
        parser.MoveNext();
    }

    /// <summary>
    /// For "found invalid tab as indentation" YamlDotNet gives the position of the enclosing
    /// mapping; the tab itself (the first one indenting a line from there on) is what to fix.
    /// </summary>
    private static SourceLocation? TabPosition(string text, YamlException e)
    {
        if (!e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            return null;
        string[] lines = text.Split('\n');
        for (int i = (int)Math.Max(e.Start.Line - 1, 0); i < lines.Length; i++)
        {
            int indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            int tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
                return new SourceLocation(i + 1, tab + 1);
        }
        return null;
    }

    private static SourceLocation At(Mark mark) =>
        new((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));
}
