namespace Seco.Cli;

/// <summary>
/// The `seco` exit codes: 0 success, 1 a problem with the user's input, 2 a bug or environment failure,
/// 3 a run that finished but not every query completed (failures are printed and in report.json).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int UserError = 1;
    public const int InternalError = 2;
    public const int RunFailed = 3;
}
