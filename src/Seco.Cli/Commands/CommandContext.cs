using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>Where a command writes: a Spectre console over the given writer, plus the error writer and the run's cancellation.</summary>
public sealed class CommandContext
{
    /// <summary>Width when the output is not a terminal and COLUMNS does not say.</summary>
    public const int DefaultWidth = 120;

    public CommandContext(TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        Output = output;
        Error = error;
        Cancel = cancel;
        Interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!Interactive) Console.Profile.Width = ColumnsFromEnvironment() ?? DefaultWidth;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Set by Ctrl-C: a run stops at its next event and writes what it has.</summary>
    public CancellationToken Cancel { get; }

    /// <summary>Output goes to a terminal: live progress bars; otherwise one line per step.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }

    /// <summary>COLUMNS, as shells export it, when it is a sensible width (redirected output has no terminal to ask).</summary>
    private static int? ColumnsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns is >= 40 and <= 1000 ? columns : null;
}
