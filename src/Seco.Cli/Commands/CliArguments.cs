using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Seco.Scenarios;

namespace Seco.Cli.Commands;

/// <summary>
/// Options and arguments that check their values while the command line is parsed, so a bad value is one line and
/// exit code 1 before anything runs (never a stack trace from deep inside, never a CLR type name).
/// </summary>
internal static class CliArguments
{
    /// <summary>An integer option whose value must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, string? alias, string description, int min, int max, int defaultValue) =>
        new(name, Aliases(alias))
        {
            Description = $"{description} ({min}..{max})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, name, min, max) ?? defaultValue,
        };

    /// <summary>An optional integer option (null when absent) whose value must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> OptionalInt(string name, string? alias, string description, int min, int max) =>
        new(name, Aliases(alias))
        {
            Description = description,
            CustomParser = r => ParseInt(r, name, min, max),
        };

    /// <summary>A byte count such as 1048576, 512KiB, 4MiB (at least <paramref name="min"/>, at most <paramref name="max"/>).</summary>
    public static Option<long> Bytes(string name, string description, long min, long max, long defaultValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseBytes(r, name, min, max) ?? defaultValue,
        };

    /// <summary>`--max-scenario-bytes`: the size cap for scenario files (a hostile or broken file is refused before it is read).</summary>
    public static Option<long> MaxScenarioBytes() =>
        Bytes("--max-scenario-bytes", "largest scenario file read, e.g. 1048576 or 4MiB (default 1 MiB; at most 1 GiB)",
            1 << 10, 1 << 30, ScenarioLimits.Default.MaxFileBytes);

    /// <summary>The loader's limits with the size cap from `--max-scenario-bytes`.</summary>
    public static ScenarioLimits Limits(long maxBytes) => ScenarioLimits.Default with { MaxFileBytes = maxBytes };

    /// <summary>An existing regular file (a directory, a missing file or something that looks like an option is refused by name).</summary>
    public static Argument<FileInfo> ExistingFile(string name, string description, string what) =>
        Checked(new Argument<FileInfo>(name) { Description = description }, what);

    /// <summary>An optional existing regular file.</summary>
    public static Argument<FileInfo?> OptionalExistingFile(string name, string description, string what) =>
        Checked(new Argument<FileInfo?>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne }, what);

    /// <summary>An option naming an existing regular file.</summary>
    public static T ExistingFile<T>(T option, string what) where T : Option
    {
        option.Validators.Add(r => CheckFile(r, r.Tokens, what));
        return option;
    }

    private static Argument<T> Checked<T>(Argument<T> argument, string what)
    {
        argument.Validators.Add(r => CheckFile(r, r.Tokens, what));
        return argument;
    }

    private static void CheckFile(SymbolResult result, IReadOnlyList<Token> tokens, string what)
    {
        foreach (Token token in tokens)
        {
            string path = token.Value;
            if (path.StartsWith('-') && !File.Exists(path))
                result.AddError($"unknown option '{Printable.Escape(path)}'");
            else if (Directory.Exists(path))
                result.AddError($"{what} '{Printable.Escape(path)}' is a directory, not a file");
            else if (!File.Exists(path))
                result.AddError($"{what} not found: {Printable.Escape(path)}");
        }
    }

    private static int? ParseInt(ArgumentResult r, string name, int min, int max)
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[^1].Value;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            // Digits only but too long for a long: still a number, just out of range.
            bool digits = text.TrimStart('-', '+').Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);
            r.AddError(digits ? OutOfRange(name, text, min, max) : $"{name}: '{Printable.Shorten(text, 40)}' is not a whole number");
            return null;
        }
        if (value < min || value > max)
        {
            r.AddError(OutOfRange(name, text, min, max));
            return null;
        }
        return (int)value;
    }

    private static string OutOfRange(string name, string text, long min, long max) =>
        $"{name} must be between {min} and {max}; got {Printable.Shorten(text, 40)}";

    private static long? ParseBytes(ArgumentResult r, string name, long min, long max)
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[^1].Value.Trim();
        (string digits, long unit) = text switch
        {
            _ when text.EndsWith("GiB", StringComparison.OrdinalIgnoreCase) => (text[..^3], 1L << 30),
            _ when text.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) => (text[..^3], 1L << 20),
            _ when text.EndsWith("KiB", StringComparison.OrdinalIgnoreCase) => (text[..^3], 1L << 10),
            _ => (text, 1L),
        };
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count > max / unit)
        {
            r.AddError($"{name}: '{Printable.Shorten(text, 40)}' is not a byte count between {min:N0} and {max:N0} (e.g. 1048576, 512KiB, 4MiB)");
            return null;
        }
        if (count * unit < min)
        {
            r.AddError($"{name} must be at least {min:N0} bytes; got {Printable.Shorten(text, 40)}");
            return null;
        }
        return count * unit;
    }

    private static string[] Aliases(string? alias) => alias is null ? [] : [alias];
}
