using System.CommandLine;
using Seco.Cli.Commands;
using Seco.Nn;
using Seco.Scenarios;

namespace Seco.Cli;

/// <summary>The `seco` command line: builds the command tree and maps failures to exit codes.</summary>
public static class SecoCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var ctx = new Lazy<CommandContext>(() => new CommandContext(output, error));
        var root = new RootCommand("Seco.Actors: secure neural-network inference across a hierarchy of servers (SECO)")
        {
            RunCommand.Create(() => ctx.Value),
            ValidateCommand.Create(() => ctx.Value),
            InferCommand.Create(() => ctx.Value),
            ModelsCommand.Create(() => ctx.Value),
        };
        ParseResult parse = root.Parse(args);
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

    private static bool IsUserError(Exception e) => e is ModelFormatException or UserInputException
        or FileNotFoundException or DirectoryNotFoundException or InvalidDataException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" | ");
}
