using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Stops YamlDotNet's scanner as soon as lists and mappings nest deeper than the limit. Checking
/// parser events is too late: for every token the scanner walks its stack of open flow levels,
/// so 200 KB of <c>[</c> costs it quadratic time (20–60 s) before the first event arrives. The
/// scanner runs at most a line (or 1024 characters) ahead of the tokens handed out here, so
/// counting the tokens it produces bounds that stack and keeps the whole load linear. Counting
/// tokens rather than characters keeps YAML's own rules for what opens a collection (a
/// <c>[</c> inside a quoted or plain string does not).
/// </summary>
internal sealed class DepthLimitedScanner(IScanner inner, int maxDepth) : IScanner
{
    private int _depth;

    public Mark CurrentPosition => inner.CurrentPosition;

    public Token? Current => inner.Current;

    public bool MoveNext()
    {
        if (inner.Current is not null)
            inner.ConsumeCurrent();
        return MoveNextWithoutConsuming();
    }

    /// <summary>Every call hands out a new token (the scanner dequeues one), so each is counted once.</summary>
    public bool MoveNextWithoutConsuming()
    {
        bool more = inner.MoveNextWithoutConsuming();
        switch (inner.Current)
        {
            case FlowSequenceStart or FlowMappingStart or BlockSequenceStart or BlockMappingStart:
                if (++_depth > maxDepth)
                    throw new NestingTooDeepException(inner.Current.Start, maxDepth);
                break;
            case FlowSequenceEnd or FlowMappingEnd or BlockEnd:
                // A stray ']' (malformed, and refused by the parser) must not buy extra depth.
                _depth = Math.Max(0, _depth - 1);
                break;
        }
        return more;
    }

    public void ConsumeCurrent() => inner.ConsumeCurrent();
}

/// <summary>A file nested deeper than <see cref="ScenarioLimits.MaxDepth"/>; reported like a syntax error, alone.</summary>
internal sealed class NestingTooDeepException(Mark at, int maxDepth)
    : YamlException(at, at, $"nested deeper than {maxDepth} levels (lists and mappings inside each other)");
