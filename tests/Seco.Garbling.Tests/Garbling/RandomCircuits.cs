using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>Random circuits for garbling tests: every gate kind, reconvergent fan-out, chains and independent runs.</summary>
internal static class RandomCircuits
{
    public static Circuit Build(int seed, int inputsA, int inputsB, int gates, int outputs)
    {
        var rng = new Random(seed);
        var cb = new CircuitBuilder();
        var pool = new List<Bit>();
        pool.AddRange(cb.Input("a", "garbler", inputsA));
        pool.AddRange(cb.Input("b", "evaluator", inputsB));
        for (int i = 0; i < gates; i++)
        {
            // Prefer recent wires sometimes (long dependency chains), random old ones otherwise.
            Bit Pick() => rng.Next(3) == 0 ? pool[Math.Max(0, pool.Count - 1 - rng.Next(4))] : pool[rng.Next(pool.Count)];
            Bit x = Pick(), y = Pick();
            Bit z = rng.Next(10) switch
            {
                < 5 => cb.And(x, y),
                < 8 => cb.Xor(x, y),
                _ => cb.Not(x),
            };
            if (!z.IsConstant) pool.Add(z);
        }
        var outs = new Bit[outputs];
        for (int o = 0; o < outputs; o++) outs[o] = pool[pool.Count - 1 - rng.Next(Math.Min(pool.Count, 3 * outputs))];
        cb.Output("out", "evaluator", outs);
        return cb.Build();
    }

    public static bool[] RandomBits(Random rng, int n)
    {
        var bits = new bool[n];
        for (int i = 0; i < n; i++) bits[i] = rng.Next(2) == 1;
        return bits;
    }

    public static BlockRandom Seeded(ulong seed) => Prg.ForTests(seed);
}
