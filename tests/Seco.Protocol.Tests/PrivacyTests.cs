using System.Buffers.Binary;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// The acceptance criterion for the remote tier: every message B and C receive while the input is known
/// (online and output phases) is free of unmasked activations, and the Z_p vectors they receive are uniform over
/// Z_p and fresh per query. Runs the MLP (L = 3 blocks: 784→128 ReLU, 128→128 ReLU, 128→10) at every split l = 0..3, several queries of the
/// same image each.
/// </summary>
public class PrivacyTests(PrivacyTests.Runs runs) : IClassFixture<PrivacyTests.Runs>
{
    /// <summary>The audit's χ²(15) threshold (p ≈ 10⁻¹⁰ per test, Audit/ZpStatistics): the suite runs thousands of these.</summary>
    private const double ChiSquareThreshold = Audit.ZpStatistics.Threshold;

    private const int Buckets = 16;

    private static readonly Party[] RemoteTier = [Party.Garbler, Party.Evaluator];

    /// <summary>One protocol run per split point, shared by the tests (each run is seconds).</summary>
    public sealed class Runs
    {
        public const int Queries = 4;

        private readonly Dictionary<int, Lazy<Run>> _runs;

        public Runs()
        {
            Model = EndToEndTests.Model("mlp.onnx");
            ulong[] image = EndToEndTests.Inputs(Model, 1)[0];
            Input = image;
            FixedPointResult reference = FixedPointReference.Forward(Model, image.Select(PrimeField.ToSigned).ToArray());
            // x_1 (the input), x_2 (block 1's ReLU output), and the logits, as residues.
            Activations = [("x1", image), .. reference.BlockOutputs.Select((o, i) => (i == reference.BlockOutputs.Count - 1 ? "logits" : $"x{i + 2}", o.Select(PrimeField.FromSigned).ToArray()))];
            Logits = reference.Logits;
            _runs = Enumerable.Range(0, Model.Blocks.Count + 1).ToDictionary(l => l, l => new Lazy<Run>(() => new Run(EndToEndTests.Run(Model, l, [.. Enumerable.Repeat(image, Queries)]))));
        }

        public FixedPointModel Model { get; }

        public ulong[] Input { get; }

        public IReadOnlyList<(string Name, ulong[] Values)> Activations { get; }

        public long[] Logits { get; }

        internal Run At(int split) => _runs[split].Value;
    }

    internal sealed class Run(ProtocolLoopback loop)
    {
        public ProtocolLoopback Loop { get; } = loop;

        /// <summary>What B and C receive once the input is known (online and output phases).</summary>
        public IReadOnlyList<(Party From, Party To, SecoMessage Message, int Bytes)> RemoteOnline { get; } =
            loop.Delivered.Where(d => RemoteTier.Contains(d.To) && d.Message.Phase is ProtocolPhase.Online or ProtocolPhase.Output).ToList();
    }

    // ---- (a) no unmasked activation in anything B or C receive ----

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Remote_tier_receives_no_unmasked_activation(int split)
    {
        Run run = runs.At(split);

        // The run is the real thing: every query's prediction equals the plaintext reference.
        var predictions = run.Loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal(Enumerable.Range(0, Runs.Queries), predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
            Assert.Equal(runs.Logits, p.Logits.Select(PrimeField.ToSigned).ToArray());

        // What B and C see online is what paper §VI-C and Alg. 10 say, so the scan below inspects real traffic.
        var kinds = run.RemoteOnline.GroupBy(d => (d.To, d.Message.GetType().Name)).ToDictionary(g => g.Key, g => g.Count());
        // l < L: the transition x_{l+1} − r_{l+1} to both; per F_BC ReLU block (l+1..L−1) E² labels and the E³ OT to C,
        // and x_{i+1} − r_{i+1} from C to B. l = L: F_A is the whole model and the remote tier is idle online.
        int relu = Math.Max(0, runs.Model.Blocks.Count - split - 1);
        var expected = new Dictionary<(Party, string), int>();
        if (split < runs.Model.Blocks.Count)
        {
            expected[(Party.Garbler, nameof(MaskedActivation))] = Runs.Queries * (1 + relu);
            expected[(Party.Evaluator, nameof(MaskedActivation))] = Runs.Queries;
            if (relu > 0)
            {
                expected[(Party.Garbler, nameof(OtRequest))] = Runs.Queries * relu;
                expected[(Party.Evaluator, nameof(GarblerInput))] = Runs.Queries * relu;
                expected[(Party.Evaluator, nameof(OtResponse))] = Runs.Queries * relu;
            }
        }
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), kinds.OrderBy(e => e.Key.ToString()));

        List<string> findings = LeakDetector.Scan(runs.Activations, run.RemoteOnline.Select(d => ($"{d.From}→{d.To} {d.Message.GetType().Name} q{(d.Message as QueryMessage)?.Query}", d.Message)));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Leak_detector_finds_planted_activations()
    {
        // The scan of the test above has power: a verbatim vector, a residue window inside noise, and the
        // little-endian bytes of a window at an odd offset inside a label blob are all reported.
        (string _, ulong[] x1) = runs.Activations[0];
        (string _, ulong[] x2) = runs.Activations[1];
        int at = Enumerable.Range(0, x2.Length - 3).First(i => x2[i] != 0 || x2[i + 1] != 0 || x2[i + 2] != 0 || x2[i + 3] != 0);
        int atInput = Enumerable.Range(0, x1.Length - 3).First(i => x1[i] != 0);

        ulong[] noisy = Crypto.ZpRandom.Uniform(200);
        Array.Copy(x1, atInput, noisy, 57, 4);
        byte[] blob = new byte[1000];
        Random.Shared.NextBytes(blob);
        for (int k = 0; k < 4; k++)
            BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(333 + (8 * k)), x2[at + k]);

        Assert.NotEmpty(LeakDetector.Scan(runs.Activations, [("verbatim", new MaskedActivation(0, 2, x2))]));
        Assert.NotEmpty(LeakDetector.Scan(runs.Activations, [("window", new MaskedActivation(0, 1, noisy))]));
        Assert.NotEmpty(LeakDetector.Scan(runs.Activations, [("bytes", new GarblerInput(0, 1, blob))]));
        Assert.NotEmpty(LeakDetector.Scan(runs.Activations, [("nested", new GarbledCircuits(0, [new GarbledLayer(1, [[], blob], [], [])]))]));
        Assert.NotEmpty(LeakDetector.Scan(runs.Activations, [("logits", new OutputShare(0, runs.Activations[^1].Values))]));
        Assert.Empty(LeakDetector.Scan(runs.Activations, [("noise", new MaskedActivation(0, 1, Crypto.ZpRandom.Uniform(784)))]));
    }

    // ---- (b) what they receive is uniform over Z_p and fresh per query ----

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Masked_activations_are_uniform_over_Zp_and_fresh_per_query(int split)
    {
        Run run = runs.At(split);
        Dictionary<(int Query, int Block), ulong[]> vectors = DistinctMaskedVectors(run);
        int[] blocks = vectors.Keys.Select(k => k.Block).Distinct().Order().ToArray();
        int[] expectedBlocks = [.. Enumerable.Range(split + 1, runs.Model.Blocks.Count - split)]; // l+1..L
        Assert.Equal(expectedBlocks, blocks);

        // χ² over 16 equal buckets of [0, p).
        ulong[] all = vectors.Values.SelectMany(v => v).ToArray();
        Assert.True(all.Length >= 16 * 20, $"only {all.Length} residues");
        double chi = ChiSquare(all);
        Assert.True(chi < ChiSquareThreshold, $"l = {split}: χ² = {chi:F1} over {all.Length} residues, threshold {ChiSquareThreshold}");

        // Power: the same statistic on the unmasked activations of the same positions is far beyond the threshold.
        ulong[] plain = vectors.Keys.SelectMany(k => runs.Activations[k.Block - 1].Values).ToArray();
        Assert.Equal(all.Length, plain.Length);
        double chiPlain = ChiSquare(plain);
        Assert.True(chiPlain > 100 * ChiSquareThreshold, $"l = {split}: χ² of the plaintext is only {chiPlain:F1}");

        // Same input every query: the masks, hence the values at each position, change from query to query.
        foreach (int block in blocks)
        {
            for (int a = 0; a < Runs.Queries; a++)
            {
                for (int b = a + 1; b < Runs.Queries; b++)
                {
                    ulong[] va = vectors[(a, block)], vb = vectors[(b, block)];
                    Assert.Equal(va.Length, vb.Length);
                    double differ = Enumerable.Range(0, va.Length).Count(i => va[i] != vb[i]) / (double)va.Length;
                    Assert.True(differ >= 0.99, $"l = {split}, block {block}, queries {a} and {b}: only {differ:P1} of positions differ");
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Mask_is_not_a_constant_offset_between_queries(int split)
    {
        // With the same input, v_q − v_q' = r_q' − r_q: uniform too if the masks are independent (a mask reused with a
        // fixed shift or drawn from a small range would concentrate these differences).
        Run run = runs.At(split);
        Dictionary<(int Query, int Block), ulong[]> vectors = DistinctMaskedVectors(run);
        var differences = new List<ulong>();
        foreach (int block in vectors.Keys.Select(k => k.Block).Distinct())
            for (int q = 1; q < Runs.Queries; q++)
                differences.AddRange(Crypto.ZpVector.Subtract(vectors[(q, block)], vectors[(0, block)]));
        double chi = ChiSquare([.. differences]);
        Assert.True(chi < ChiSquareThreshold, $"l = {split}: χ² of the query-to-query differences = {chi:F1}");
        Assert.True(differences.Distinct().Count() >= differences.Count * 0.99, $"l = {split}: repeated differences");
    }

    /// <summary>The Z_p vectors B and C receive in MaskedActivation, once per (query, block); B's and C's copies of the transition vector must agree.</summary>
    private static Dictionary<(int Query, int Block), ulong[]> DistinctMaskedVectors(Run run)
    {
        var vectors = new Dictionary<(int, int), ulong[]>();
        foreach ((Party from, Party to, SecoMessage message, int _) in run.RemoteOnline)
        {
            if (message is not MaskedActivation m) continue;
            if (vectors.TryGetValue((m.Query, m.Block), out ulong[]? seen))
                Assert.True(seen.AsSpan().SequenceEqual(m.Values), $"B and C got different x − r for block {m.Block} of query {m.Query} ({from}→{to})");
            else
                vectors[(m.Query, m.Block)] = m.Values;
        }
        return vectors;
    }

    private static double ChiSquare(ulong[] values)
    {
        var counts = new long[Buckets];
        foreach (ulong v in values)
        {
            Assert.True(v < PrimeField.P);
            counts[(int)((UInt128)v * Buckets / PrimeField.P)]++;
        }
        double expected = values.Length / (double)Buckets;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    [Fact]
    public void Chi_square_helper_accepts_uniform_and_rejects_skewed_samples()
    {
        Assert.True(ChiSquare(Crypto.ZpRandom.Uniform(5000)) < 2 * ChiSquareThreshold); // loose: this checks the helper, not the RNG
        ulong[] lowHalf = Crypto.ZpRandom.Uniform(5000).Select(v => v / 2).ToArray();
        Assert.True(ChiSquare(lowHalf) > 10 * ChiSquareThreshold);
        ulong[] small = Enumerable.Range(0, 5000).Select(i => (ulong)i).ToArray();
        Assert.True(ChiSquare(small) > 100 * ChiSquareThreshold);
    }
}

/// <summary>Finds plaintext activation vectors, or runs of 4 of their values, in messages.</summary>
internal static class LeakDetector
{
    private const int Window = 4;

    /// <param name="tables">Also scan garbled-table chunks (AES outputs, tens of MB per layer: slow on large models).</param>
    public static List<string> Scan(IReadOnlyList<(string Name, ulong[] Values)> activations, IEnumerable<(string Label, SecoMessage Message)> messages, bool tables = true)
    {
        var windows = new Windows(activations);

        var findings = new List<string>();
        foreach ((string label, SecoMessage message) in messages)
        {
            var residues = new List<ulong[]>();
            var payloads = new List<byte[]>();
            Collect(message, residues, payloads, tables);
            foreach (ulong[] v in residues)
            {
                foreach ((string name, ulong[] x) in activations)
                    if (v.AsSpan().SequenceEqual(x))
                        findings.Add($"{label}: carries {name} verbatim");
                for (int i = 0; i + Window <= v.Length; i++)
                    if (windows.Find(v[i], v[i + 1], v[i + 2], v[i + 3]) is { } where)
                        findings.Add($"{label}: residues [{i}..{i + Window - 1}] equal {where}");
            }
            foreach (byte[] b in payloads)
            {
                for (int i = 0; i + (8 * Window) <= b.Length; i++)
                {
                    ulong first = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i));
                    if (!windows.MayStartWith(first))
                        continue;
                    if (windows.Find(first,
                        BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i + 8)),
                        BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i + 16)),
                        BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i + 24))) is { } where)
                        findings.Add($"{label}: bytes [{i}..{i + 31}] encode {where}");
                }
            }
        }
        return findings;
    }

    /// <summary>Run scan of plain Z_p vectors (decrypted plaintexts): a target verbatim or any run of 4 of its values.</summary>
    public static List<string> ScanVectors(IReadOnlyList<(string Name, ulong[] Values)> targets, IEnumerable<(string Label, ulong[] Values)> vectors)
    {
        var windows = new Windows(targets);
        var findings = new List<string>();
        foreach ((string label, ulong[] v) in vectors)
            for (int i = 0; i + Window <= v.Length; i++)
                if (windows.Find(v[i], v[i + 1], v[i + 2], v[i + 3]) is { } where)
                    findings.Add($"{label}: slots [{i}..{i + Window - 1}] equal {where}");
        return findings;
    }

    /// <summary>
    /// Every run of 4 values of every target (all-zero runs excluded: they are no evidence), with where it comes from;
    /// a bit filter on a run's first value lets a byte scan skip almost every offset without a dictionary lookup
    /// (large target sets — weights — would otherwise make each lookup a cache miss).
    /// </summary>
    private sealed class Windows
    {
        private const int FilterBits = 24;
        private readonly IReadOnlyList<(string Name, ulong[] Values)> _targets;
        private readonly Dictionary<(ulong, ulong, ulong, ulong), (int Target, int At)> _runs = [];
        private readonly ulong[] _filter = new ulong[(1 << FilterBits) / 64];

        public Windows(IReadOnlyList<(string Name, ulong[] Values)> targets)
        {
            _targets = targets;
            for (int t = 0; t < targets.Count; t++)
            {
                ulong[] x = targets[t].Values;
                for (int i = 0; i + Window <= x.Length; i++)
                {
                    if (x[i] != 0 || x[i + 1] != 0 || x[i + 2] != 0 || x[i + 3] != 0)
                    {
                        _runs.TryAdd((x[i], x[i + 1], x[i + 2], x[i + 3]), (t, i));
                        int slot = Slot(x[i]);
                        _filter[slot >> 6] |= 1UL << slot;
                    }
                }
            }
        }

        public bool MayStartWith(ulong first)
        {
            int slot = Slot(first);
            return (_filter[slot >> 6] & (1UL << slot)) != 0;
        }

        public string? Find(ulong a, ulong b, ulong c, ulong d) =>
            _runs.TryGetValue((a, b, c, d), out var at) ? $"{_targets[at.Target].Name}[{at.At}..{at.At + Window - 1}]" : null;

        private static int Slot(ulong value) => (int)((value * 0x9E3779B97F4A7C15UL) >> (64 - FilterBits));
    }

    /// <summary>Every Z_p vector and byte payload of a message, including nested garbled layers.</summary>
    private static void Collect(object? value, List<ulong[]> residues, List<byte[]> payloads, bool tables)
    {
        switch (value)
        {
            case null:
                return;
            case ulong[] v:
                residues.Add(v);
                return;
            case byte[] b:
                payloads.Add(b);
                return;
            case Array a:
                foreach (object? item in a) Collect(item, residues, payloads, tables);
                return;
            case SecoMessage or GarbledLayer:
                foreach (var property in value.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
                    if ((property.PropertyType.IsArray || property.PropertyType == typeof(GarbledLayer)) && (tables || value is not GarbledLayer || property.Name != nameof(GarbledLayer.Chunks)))
                        Collect(property.GetValue(value), residues, payloads, tables);
                return;
            default:
                return;
        }
    }
}
