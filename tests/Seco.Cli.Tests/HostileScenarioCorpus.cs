using System.Text;
using Seco.Tests.Shared;

namespace Seco.Cli.Tests;

/// <summary>
/// The hostile-scenario corpus (tests/data/hostile-scenarios, README.md there lists every case and
/// its expected outcome): the committed small files, plus cases too big to commit, written here
/// to a temporary folder, and cases that are not files at all. Expected outcomes are read from
/// the README's table, so the README and the test cannot drift apart.
/// </summary>
internal sealed class HostileScenarioCorpus : IDisposable
{
    // The generated files are written to a temporary folder, so the model path is absolute.
    private static readonly string ValidMinimal = $"""
        version: 1
        model: {Path.Combine(TestHost.Root, "models", "minionn.onnx")}
        split: 0
        hierarchy:
          tiers:
            - name: remote
              servers: [B, C]

        """;

    private static readonly Dictionary<string, Func<string>> Generators = new()
    {
        ["deep-flow-nesting-200kb.yaml"] = () => "version: 1\nseed: " + new string('[', 200_000) + "\n",
        ["huge-description-50mb.yaml"] = () => ValidMinimal + "description: " + new string('x', 50 << 20) + "\n",
        ["just-over-the-size-limit.yaml"] = () => PadTo(ValidMinimal, (1 << 20) + 1),
        ["exactly-at-the-size-limit.yaml"] = () => PadTo(ValidMinimal, 1 << 20),
        ["unknown-keys-filling-the-limit.yaml"] = () => Lines(ValidMinimal, i => $"k{i}: 1", (1 << 20) - 64),
        ["one-key-repeated-filling-the-limit.yaml"] = () => Lines("", _ => "a: 1", 1 << 20),
        ["unknown-keys-1.5-million.yaml"] = () => Lines(ValidMinimal, i => $"k{i}: 1", long.MaxValue, 1_500_000),
        ["very-long-line.yaml"] = () => ValidMinimal + "seed: [" + string.Join(", ", Enumerable.Repeat("1", 100_000)) + "]\n",
        ["key-100kb.yaml"] = () => ValidMinimal + new string('k', 100_000) + ": 1\n",
        ["value-100kb.yaml"] = () => ValidMinimal + "description: \"" + new string('d', 100_000) + "\"\n",
        ["many-parties-links-failures.yaml"] = ManyParties,
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("seco-hostile-").FullName;

    public static string CommittedFolder => Path.Combine(TestHost.Root, "tests", "data", "hostile-scenarios");

    /// <summary>Every case in the README: file (or description of an in-code case) → expected exit code.</summary>
    public static IReadOnlyDictionary<string, int> Expected { get; } = ReadReadme();

    public static IEnumerable<string> GeneratedNames => Generators.Keys;

    public static IEnumerable<string> InCodeNames => ["a directory", "/dev/zero"];

    /// <summary>The path to validate for <paramref name="name"/>, generating the file if needed.</summary>
    public string PathOf(string name)
    {
        if (Generators.TryGetValue(name, out var generate))
        {
            string path = Path.Combine(_folder, name);
            if (!File.Exists(path))
                File.WriteAllText(path, generate(), new UTF8Encoding(false));
            return path;
        }
        return name switch
        {
            "a directory" => Directory.CreateDirectory(Path.Combine(_folder, "directory.yaml")).FullName,
            "/dev/zero" => "/dev/zero",
            _ => TestHost.DataFile("hostile-scenarios", name),
        };
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string PadTo(string text, int bytes) =>
        text + "#" + new string('p', bytes - Encoding.UTF8.GetByteCount(text) - 2) + "\n";

    private static string Lines(string start, Func<int, string> line, long maxBytes, int maxLines = int.MaxValue)
    {
        var sb = new StringBuilder(start);
        for (int i = 0; i < maxLines && sb.Length + 16 < maxBytes; i++)
            sb.Append(line(i)).Append('\n');
        return sb.ToString();
    }

    /// <summary>40,000 servers, links between neighbours and failures of parties that do not exist.</summary>
    private static string ManyParties()
    {
        const int n = 40_000;
        var sb = new StringBuilder(ValidMinimal.Replace("[B, C]", "[" + string.Join(", ", Enumerable.Range(0, n).Select(i => $"s{i}")) + "]"));
        sb.Append("network:\n  links:\n");
        for (int i = 0; i < 10_000; i++)
            sb.Append($"    - {{ between: [s{i}, s{i + 1}], latency_ms: 1 }}\n");
        sb.Append("failures:\n");
        for (int i = 0; i < 10_000; i++)
            sb.Append($"  - {{ at_ms: 1, stop: x{i} }}\n");
        return sb.ToString();
    }

    /// <summary>Rows of the README's table: "| `name` | accepted or rejected | ... |".</summary>
    private static Dictionary<string, int> ReadReadme()
    {
        var cases = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string row in File.ReadLines(Path.Combine(CommittedFolder, "README.md")))
        {
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 4 || !cells[1].StartsWith('`'))
                continue;
            string name = cells[1].Split('`')[1];
            cases.Add(name, cells[2] switch
            {
                "accepted" => 0,
                "rejected" => 1,
                _ => throw new InvalidDataException($"README row for {name}: outcome '{cells[2]}' is neither accepted nor rejected"),
            });
        }
        return cases;
    }
}
