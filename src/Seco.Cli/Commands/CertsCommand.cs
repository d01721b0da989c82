using System.CommandLine;
using System.CommandLine.Parsing;
using Seco.Cli.Output;
using Seco.Cluster.Security;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco certs`: a development deployment's CAs and certificates for cluster mode (<see cref="DevCertificates"/>):
/// the servers' certificates from a deployment CA, the users' from a separate user CA, and the fingerprints each
/// node pins.
/// </summary>
public static class CertsCommand
{
    /// <summary>A password file holds one short line; anything longer is the wrong file.</summary>
    private const int MaxPasswordFileChars = 1024;

    public static Command Create(Func<CommandContext> context)
    {
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the files (made, readable by its owner only, if missing)",
            Required = true,
        };
        var servers = Names("--servers", "servers (cluster parties), comma-separated, e.g. A,B,C: each gets <name>.pfx and <name>.crt from the deployment CA", required: true);
        var users = Names("--users", "users of the gateway's door, comma-separated: each gets <name>.pfx and <name>.crt from the user CA", required: false);
        var hosts = new Option<Dictionary<string, string>>("--hosts")
        {
            Description = $"the host each server is dialled at, put in its certificate (IP address or DNS name), e.g. A=10.0.0.1,B=gw.example; default {DevCertificatePlan.DefaultHost}",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => [],
            CustomParser = ParseHosts,
        };
        var passwordFile = CliArguments.ExistingFile(new Option<FileInfo>("--password-file")
        {
            Description = "file holding the password of the .pfx files on one line (default: no password)",
        }, "password file");
        var force = new Option<bool>("--force") { Description = "replace files that already exist in the folder" };
        var cmd = new Command("certs",
            "Make a development deployment CA and server certificates (serverAuth + clientAuth, SAN = host), a separate user CA " +
            "and user certificates (clientAuth), for cluster mode's mutual TLS. Writes ca.crt, user-ca.crt, <name>.pfx (certificate " +
            "and private key, PKCS#12, mode 0600), <name>.crt and fingerprints.txt (the SHA-256 fingerprints nodes pin). The CAs' " +
            "private keys are not kept: to add a party, run again with --force and hand out every file anew.")
        {
            outDir, servers, users, hosts, passwordFile, force,
        };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(outDir)!.FullName, parse.GetValue(servers)!, parse.GetValue(users)!,
            parse.GetValue(hosts)!, parse.GetValue(passwordFile)?.FullName, parse.GetValue(force)));
        return cmd;
    }

    public static int Execute(CommandContext ctx, string outDir, IReadOnlyList<string> servers, IReadOnlyList<string> users,
        IReadOnlyDictionary<string, string> hosts, string? passwordFile, bool force)
    {
        DevCertificatePlan plan = DevCertificatePlan.Create(servers, users, hosts);
        string password = passwordFile is null ? "" : ReadPassword(passwordFile);
        using DevDeployment deployment = DevCertificates.Create(plan);
        IReadOnlyList<WrittenFile> files = DevCertificates.Write(deployment, outDir, password, force);

        IAnsiConsole con = ctx.Console;
        var table = new FittedTable(FittedTable.Cell($"Wrote {files.Count} files to {outDir}")).Text("file").Text("holds", 1);
        foreach (WrittenFile file in files)
            table.Row(FittedTable.Cell(Path.GetFileName(file.Path)), FittedTable.Cell(file.Holds + (file.Secret ? " (mode 0600)" : "")));
        table.Write(con);
        con.WriteLine("SHA-256 fingerprints to pin (also in fingerprints.txt):");
        // Written past the console, which would wrap a long line: these are meant to be copied whole.
        foreach (string line in DevCertificates.Fingerprints(deployment).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
            ctx.Output.WriteLine("  " + line);
        con.WriteLine($"Each server needs its .pfx{(password.Length > 0 ? " and the password" : "")}, ca.crt and its peers' fingerprints;");
        con.WriteLine("the gateway's door also user-ca.crt and the users' fingerprints. The CAs' private keys were not kept.");
        return ExitCodes.Ok;
    }

    /// <summary>A comma-separated list of party or user names, each checked as it is parsed.</summary>
    private static Option<string[]> Names(string name, string description, bool required)
    {
        var option = new Option<string[]>(name)
        {
            Description = description,
            Required = required,
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = r => ParseNames(r, name),
        };
        if (!required) option.DefaultValueFactory = _ => [];
        return option;
    }

    private static string[] ParseNames(ArgumentResult r, string option)
    {
        if (r.Tokens.Count == 0) return [];
        string text = r.Tokens[^1].Value;
        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (string name in names)
        {
            if (DevCertificatePlan.NameProblem(name) is { } problem)
            {
                r.AddError(name.Length == 0 ? $"{option}: an empty name in '{Printable.Shorten(text, 60)}'" : $"{option}: {problem}");
                return [];
            }
        }
        return names;
    }

    private static Dictionary<string, string> ParseHosts(ArgumentResult r)
    {
        var hosts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.Tokens.Count == 0) return hosts;
        foreach (string entry in r.Tokens[^1].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=');
            string? problem = equals <= 0
                ? $"'{Printable.Shorten(entry, 60)}' is not NAME=HOST"
                : hosts.ContainsKey(entry[..equals]) ? $"{Printable.Shorten(entry[..equals], 40)} is given twice"
                : DevCertificatePlan.HostProblem(entry[(equals + 1)..]) is { } bad ? $"host of {Printable.Shorten(entry[..equals], 40)}: {bad}"
                : null;
            if (problem is not null)
            {
                r.AddError($"--hosts: {problem}");
                return hosts;
            }
            hosts[entry[..equals]] = entry[(equals + 1)..];
        }
        return hosts;
    }

    /// <summary>The password: the file's one line without its line ending (an editor adds one; it is never part of the password).</summary>
    private static string ReadPassword(string path)
    {
        using var reader = new StreamReader(path);
        char[] buffer = new char[MaxPasswordFileChars + 1];
        int read = reader.ReadBlock(buffer, 0, buffer.Length);
        if (read > MaxPasswordFileChars)
            throw new UserInputException($"password file {path} is longer than {MaxPasswordFileChars} characters; it should hold one line");
        string text = new(buffer, 0, read);
        int end = text.IndexOfAny(['\r', '\n']);
        string password = end < 0 ? text : text[..end];
        if (end >= 0 && text[end..].Trim('\r', '\n').Length > 0)
            throw new UserInputException($"password file {path} has more than one line; it should hold the password alone");
        return password;
    }
}
