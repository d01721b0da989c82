using BenchmarkDotNet.Running;

namespace Seco.Bench;

public static class Program
{
    // e.g. dotnet run -c Release --project bench/Seco.Bench -- --filter '*MessagePack*' --job short
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
