using System.Text;
using Seco.KernelGen;

// Writes src/Seco.Garbling/Garbling/HalfGatesKernels.cs from HalfGatesKernelsGenerator, or with --check only
// compares (exit 1 on a difference), e.g. for CI without the test suite. Run from anywhere inside the repository:
//   dotnet run --project tools/Seco.KernelGen [-- --check]
bool check = args is ["--check"];
if (args.Length > 0 && !check)
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Seco.KernelGen [-- --check]");
    return 2;
}

string path = Path.Combine(FindRoot(), HalfGatesKernelsGenerator.RelativePath);
byte[] generated = Encoding.UTF8.GetBytes(HalfGatesKernelsGenerator.Generate()); // UTF8 property: no BOM
if (check)
{
    bool same = File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(generated);
    Console.WriteLine(same ? $"{path} is up to date" : $"{path} differs from the generator's output: run without --check");
    return same ? 0 : 1;
}

File.WriteAllBytes(path, generated);
Console.WriteLine($"wrote {path} ({generated.Length} bytes)");
return 0;

// The repository root is the folder holding Seco.Actors.sln, above the working directory or the binaries.
static string FindRoot()
{
    foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seco.Actors.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new DirectoryNotFoundException("Seco.Actors.sln not found above the working directory or " + AppContext.BaseDirectory);
}
