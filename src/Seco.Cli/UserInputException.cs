namespace Seco.Cli;

/// <summary>A problem with what the user asked for (bad option combination, split out of range, ...).</summary>
public sealed class UserInputException(string message) : Exception(message);
