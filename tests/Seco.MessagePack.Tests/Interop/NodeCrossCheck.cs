using Seco.Tests.Shared;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seco.MessagePack.Tests.Interop;

/// <summary>Finds node and tests/interop, and runs tests/interop/msgpack-crosscheck.mjs.</summary>
public static class NodeCrossCheck
{
    public const string InstallCommand = "npm ci --prefix tests/interop";


    public static string RepoRoot => TestHost.Root;

    public static string InteropDirectory => Path.Combine(RepoRoot, "tests", "interop");

    public static string ScriptPath => Path.Combine(InteropDirectory, "msgpack-crosscheck.mjs");

    /// <summary>Why the cross-check cannot run here, or null when node and the npm package are present.</summary>
    public static string? UnavailableReason()
    {
        if (TestHost.FindOnPath("node") is null)
        {
            return "node is not on PATH";
        }
        if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "@msgpack", "msgpack")))
        {
            return "tests/interop/node_modules is missing";
        }
        return null;
    }

    /// <summary>
    /// Skips the calling test when node or tests/interop/node_modules is missing - except under CI=true, where a
    /// missing cross-check is a broken build, not a skip.
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
            Assert.Fail($"The MessagePack interop cross-check cannot run under CI=true: {reason}. Run `{InstallCommand}` before the tests.");
        }
        Skip.If(true, $"MessagePack interop cross-check skipped: {reason} (needs node on PATH and `{InstallCommand}`).");
    }

    /// <summary>Runs "encode": the corpus as encoded by @msgpack/msgpack.</summary>
    public static JsonObject Encode() => Run("encode", input: null);

    /// <summary>Runs "decode" on name/hex pairs and returns node's descriptions (or errors) by name.</summary>
    public static JsonObject Decode(IEnumerable<(string Name, string Hex)> entries)
    {
        var input = new JsonObject
        {
            ["entries"] = new JsonArray(entries.Select(e => (JsonNode?)new JsonObject { ["name"] = e.Name, ["hex"] = e.Hex }).ToArray()),
        };
        return Run("decode", input);
    }

    private static JsonObject Run(string mode, JsonObject? input)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"seco-msgpack-interop-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string inputPath = Path.Combine(directory, "in.json");
            string outputPath = Path.Combine(directory, "out.json");
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = InteropDirectory,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(ScriptPath);
            start.ArgumentList.Add(mode);
            if (input is not null)
            {
                File.WriteAllText(inputPath, input.ToJsonString());
                start.ArgumentList.Add(inputPath);
            }
            start.ArgumentList.Add(outputPath);

            using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {mode} did not finish within 60 s");
            }
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"node msgpack-crosscheck.mjs {mode} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
            return JsonNode.Parse(File.ReadAllText(outputPath))!.AsObject();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static string Show(JsonNode? node, int max = 300)
    {
        string text = node?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";
        return text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
    }
}
