using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Turns YAML text into a <see cref="SourceNode"/> tree with positions, from YamlDotNet's parser
/// events. A syntax error is reported at YamlDotNet's position and ends the load: it replaces any
/// error found before it and is the only one reported (nothing after it can be trusted, and a
/// report of a broken file should point at the break). Nesting deeper than
/// <see cref="ScenarioLimits.MaxDepth"/> is treated the same way. Aliases are refused: they are
/// never needed in a scenario or a configuration file, and refusing them rules out "billion
/// laughs" expansion. Scalars longer than <see cref="ScenarioLimits.MaxScalarLength"/> are
/// reported and not kept.
/// </summary>
internal static class SourceTreeReader
{
    public static SourceNode? Read(string text, LoadContext context, ScenarioLimits limits)
    {
        var scanner = new DepthLimitedScanner(new Scanner(new StringReader(text)), limits.MaxDepth);
        var parser = new Parser(scanner);
        Mark last = Mark.Empty;
        try
        {
            parser.MoveNext();
            Expect<StreamStart>(parser, ref last);
            if (parser.Current is StreamEnd)
            {
                context.Error(new SourceLocation(1, 1), "", $"the file is empty; {context.Kind.EmptyHint}");
                return null;
            }
            Expect<DocumentStart>(parser, ref last);
            SourceNode root = ReadNode(parser, context, limits, 0, ref last);
            Expect<DocumentEnd>(parser, ref last);
            if (parser.Current is DocumentStart second)
            {
                context.Error(At(second.Start), "", $"a {context.Kind.Noun} file holds exactly one YAML document (found a second '---')");
                return null;
            }
            return root;
        }
        catch (NestingTooDeepException e)
        {
            context.DiscardErrors();
            context.Error(At(e.Start), "", e.Message);
            return null;
        }
        catch (YamlException e)
        {
            context.DiscardErrors();
            context.Error(TabPosition(text, e) ?? At(e.Start), "", $"malformed YAML: {e.Message}");
            return null;
        }
        catch (ArgumentException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(Parser).Assembly)
        {
            // YamlDotNet throws this, not a YamlException, for a verbatim tag that is empty or not
            // a URI ("!<>", "!<%1b>"). Its message names no position: point at the token.
            context.DiscardErrors();
            context.Error(At(scanner.Current?.Start ?? last), "", "malformed YAML: a tag that is empty or not a valid URI");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some unterminated
            // flow collections ("a: [1, 2" followed by more lines). Point at the last good event.
            context.DiscardErrors();
            context.Error(At(last), "", "malformed YAML: unexpected text after this point (an unclosed '[' or '{'?)");
            return null;
        }
    }

    private static SourceNode ReadNode(IParser parser, LoadContext context, ScenarioLimits limits, int depth, ref Mark last)
    {
        ParsingEvent current = parser.Current ?? throw new YamlException(last, last, "unexpected end of input");
        SourceLocation at = At(current.Start);
        // The scanner counts collections by their tokens; an indentless sequence ("key:" then
        // "- item" at the same indentation) has none, so the events are checked too.
        if (depth >= limits.MaxDepth && current is SequenceStart or MappingStart)
            throw new NestingTooDeepException(current.Start, limits.MaxDepth);
        switch (current)
        {
            case Scalar scalar when scalar.Value.Length > limits.MaxScalarLength:
                Next(parser, ref last);
                context.Error(at, "", $"a value of {scalar.Value.Length:N0} characters; keys and values are limited to {limits.MaxScalarLength:N0} characters");
                return new SourceInvalid(at);
            case Scalar scalar:
                Next(parser, ref last);
                bool forcedString = !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str";
                return new SourceScalar(at, scalar.Value, scalar.Style == ScalarStyle.Plain && !forcedString);
            case SequenceStart:
            {
                Next(parser, ref last);
                var items = new List<SourceNode>();
                while (parser.Current is not SequenceEnd)
                    items.Add(ReadNode(parser, context, limits, depth + 1, ref last));
                Next(parser, ref last);
                return new SourceSequence(at, items);
            }
            case MappingStart:
            {
                Next(parser, ref last);
                var entries = new List<KeyValuePair<SourceNode, SourceNode>>();
                while (parser.Current is not MappingEnd)
                {
                    SourceNode key = ReadNode(parser, context, limits, depth + 1, ref last);
                    SourceNode value = ReadNode(parser, context, limits, depth + 1, ref last);
                    entries.Add(new(key, value));
                }
                Next(parser, ref last);
                return new SourceMapping(at, entries);
            }
            case AnchorAlias alias:
                context.Error(at, "", $"aliases (*{Printable.Shorten(alias.Value.Value, 40)}) are not supported in {context.Kind.Noun} files; write the value out");
                Next(parser, ref last);
                return new SourceInvalid(at);
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
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
