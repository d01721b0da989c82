using System.CommandLine;
using System.CommandLine.Help;
using Seco.Cli.Commands;
using Seco.Cluster.Security;
using Seco.Nn;
using Seco.Protocol.Model.Deployment;
using Seco.Scenarios;

namespace Seco.Cli;

/// <summary>The `seco` command line: builds the command tree and maps failures to exit codes (<see cref="ExitCodes"/>).</summary>
public static class SecoCli
{
    public const string Name = "seco";

    /// <param name="cancel">Cancels a running simulation (Ctrl-C): what finished is reported and written.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var ctx = new Lazy<CommandContext>(() => new CommandContext(output, error, cancel));
        // A plain Command named "seco" rather than RootCommand, whose name is the executable's ("Seco.Cli", or
        // "testhost" under the tests): usage lines must show the command users type.
        var root = new Command(Name, "Seco.Actors: secure neural-network inference across a hierarchy of servers (SECO).\n" + ExitCodes.Help)
        {
            new HelpOption(),
            RunCommand.Create(() => ctx.Value),
            SweepCommand.Create(() => ctx.Value),
            ValidateCommand.Create(() => ctx.Value),
            InferCommand.Create(() => ctx.Value),
            ModelsCommand.Create(() => ctx.Value),
            SplitCommand.Create(() => ctx.Value),
            CertsCommand.Create(() => ctx.Value),
            NodeCommand.Create(() => ctx.Value),
            UserCommand.Create(() => ctx.Value),
        };
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
            return ParseErrors(parse, error);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (ScenarioValidationException e)
        {
            // ScenarioError.ToString escapes control characters; the loader keeps only the first
            // errors (ScenarioLimits.MaxErrors) and counts the rest.
            foreach (ScenarioError problem in e.Errors) error.WriteLine($"error: {problem}");
            if (e.OmittedLine is { } more) error.WriteLine(more);
            return ExitCodes.UserError;
        }
        catch (PlatformNotSupportedException e)
        {
            // This machine cannot run the protocol safely (no AES-NI: the portable AES is not constant-time).
            error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.InternalError;
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            error.WriteLine(e.StackTrace);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Bad options and arguments: one line each (at most five), then where the usage is; nothing runs.</summary>
    private static int ParseErrors(ParseResult parse, TextWriter error)
    {
        foreach (string message in parse.Errors.Select(e => e.Message).Distinct().Take(5))
            error.WriteLine($"error: {OneLine(message)}");
        if (parse.Errors.Count > 5)
            error.WriteLine($"… and {parse.Errors.Count - 5} more");
        string command = string.Join(' ', Ancestry(parse.CommandResult.Command, parse.RootCommandResult.Command));
        error.WriteLine($"See '{command} --help'.");
        return ExitCodes.UserError;
    }

    private static IEnumerable<string> Ancestry(Command command, Command root)
    {
        var names = new List<string> { command.Name };
        for (Command? c = command; c is not null && c != root;)
        {
            c = c.Parents.OfType<Command>().FirstOrDefault();
            if (c is not null) names.Insert(0, c.Name);
        }
        return names;
    }

    private static bool IsUserError(Exception e) => e is ModelFormatException or UserInputException or PartyFileException or DevCertificateException
        or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException;

    /// <summary>A message on one line with every control character escaped: it may quote a file name or file contents.</summary>
    private static string OneLine(string message) => Printable.Escape(message.ReplaceLineEndings(" | "));
}
