using Seco.Cluster.Configuration;
using Seco.Scenarios;
using Seco.Tests.Shared;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>
/// A temporary copy of the repository's config/ folder with every file its configurations name
/// (deploy/ is made by `seco certs` and `seco split`, and is not in the repository): stand-in
/// files with some content, since the loader checks that they exist but does not read them.
/// Errors are returned with the folder's path cut out, so they read
/// <c>config/local/A.yaml:10:1: model: …</c> whatever the temporary folder is called.
/// </summary>
internal sealed class ConfigFolder : IDisposable
{
    /// <summary>The files config/local names, relative to the repository root.</summary>
    public static readonly string[] LocalFiles =
    [
        "deploy/certs/ca.crt", "deploy/certs/user-ca.crt",
        "deploy/certs/A.crt", "deploy/certs/A.pfx", "deploy/certs/B.crt", "deploy/certs/B.pfx",
        "deploy/certs/C.crt", "deploy/certs/C.pfx", "deploy/certs/user.crt", "deploy/certs/user.pfx",
        "deploy/model/gateway.party", "deploy/model/t1s0.party", "deploy/model/t1s1.party", "deploy/model/user.party",
        "models/minionn.onnx", "models/fashion-mnist-test-1000-images-idx3-ubyte",
        // config/local-2tier: gateway A, tier 1 B and C, tier 2 D and E.
        "deploy/2tier/certs/ca.crt", "deploy/2tier/certs/user-ca.crt", "deploy/2tier/certs/user.crt", "deploy/2tier/certs/user.pfx",
        .. "ABCDE".SelectMany(n => new[] { $"deploy/2tier/certs/{n}.crt", $"deploy/2tier/certs/{n}.pfx" }),
        "deploy/2tier/model/gateway.party", "deploy/2tier/model/t1s0.party", "deploy/2tier/model/t1s1.party",
        "deploy/2tier/model/t2s0.party", "deploy/2tier/model/t2s1.party", "deploy/2tier/model/user.party",
    ];

    /// <summary>The files config/example-vms names, relative to that folder (as on each VM).</summary>
    public static readonly string[] VmFiles =
    [
        "certs/ca.crt", "certs/user-ca.crt", "certs/A.pfx", "certs/A.password", "certs/B.pfx", "certs/B.password",
        "certs/C.pfx", "certs/C.password", "certs/user.pfx", "certs/user.password",
        "model/gateway.party", "model/t1s0.party", "model/t1s1.party", "model/user.party",
    ];

    public ConfigFolder()
    {
        Root = Directory.CreateTempSubdirectory("seco-config-").FullName;
        foreach (string file in LocalFiles)
            Write(file, "stand-in\n");
        foreach (string file in VmFiles)
            Write(Path.Combine("config/example-vms", file), "stand-in\n");
        foreach (string file in Directory.GetFiles(Path.Combine(TestHost.Root, "config"), "*.yaml", SearchOption.AllDirectories))
            Write(Path.GetRelativePath(TestHost.Root, file), File.ReadAllText(file));
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> (folders made as needed); its full path.</summary>
    public string Write(string relative, string text)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public NodeConfig LoadNode(string relative, params (string Name, string Value)[] environment) =>
        NodeConfigLoader.Load(PathOf(relative), Environment(environment));

    public UserConfig LoadUser(string relative, params (string Name, string Value)[] environment) =>
        UserConfigLoader.Load(PathOf(relative), Environment(environment));

    /// <summary>The errors of the node file at <paramref name="relative"/>, one a line, with <see cref="Root"/> cut out.</summary>
    public string NodeErrors(string relative, params (string Name, string Value)[] environment) =>
        Errors(() => LoadNode(relative, environment));

    public string UserErrors(string relative, params (string Name, string Value)[] environment) =>
        Errors(() => LoadUser(relative, environment));

    /// <summary><paramref name="text"/> written to <paramref name="relative"/>, then loaded as a node file: its errors.</summary>
    public string NodeErrorsOf(string text, string relative = "config/local/x.yaml")
    {
        Write(relative, text);
        return NodeErrors(relative);
    }

    public string UserErrorsOf(string text, string relative = "config/local/x.yaml")
    {
        Write(relative, text);
        return UserErrors(relative);
    }

    /// <summary><paramref name="text"/> with <paramref name="from"/> (which it must hold) replaced by <paramref name="to"/>.</summary>
    public static string Change(string text, string from, string to)
    {
        Xunit.Assert.Contains(from, text);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    public string Cut(string text) => text.Replace(Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string Errors(Action load)
    {
        var e = Xunit.Assert.Throws<ScenarioValidationException>(load);
        return Cut(e.Message);
    }

    /// <summary>Only the given variables are set: the tests do not see the process's environment.</summary>
    private static Func<string, string?> Environment((string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
