namespace Seco.Cli;

/// <summary>The `seco` exit codes: 0 success, 1 a problem with the user's input, 2 a bug or environment failure.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int UserError = 1;
    public const int InternalError = 2;
}
