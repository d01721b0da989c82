using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Linear;

/// <summary>
/// A plaintext convolution kernel for <see cref="ConvPacked"/>: the weights w[o][i][u][v] mod t and the plan. The
/// product needs one NTT-form plaintext per (input ciphertext, output ciphertext, variant, tap, channel diagonal) —
/// thousands for a 64-channel layer on 8×8 maps (1,152 at 192 KiB each at n = 8192). They are encoded once and kept
/// while their total stays under the cache limit, and otherwise encoded as the product needs them and dropped: the
/// planner counts the encodings then (<see cref="IsCached"/>). Which plaintexts exist depends on the shapes only.
/// </summary>
public sealed class PlainConvKernel
{
    /// <summary>The default cache limit per kernel: 64 MiB of encoded plaintexts.</summary>
    public const long DefaultCacheBytes = 64L << 20;

    private readonly ulong[] _weights;
    private readonly BatchEncoder _encoder;
    private readonly Evaluator _evaluator;
    private readonly ulong[]?[]? _cache;

    private PlainConvKernel(BfvContext context, ConvLayout layout, ulong[] weights, int level, long cacheBytes)
    {
        Context = context;
        Layout = layout;
        _weights = weights;
        Level = level;
        _encoder = new BatchEncoder(context);
        _evaluator = new Evaluator(context);
        long bytes = (long)layout.Cost.Products * level * context.N * sizeof(ulong);
        if (bytes <= cacheBytes)
        {
            _cache = new ulong[]?[Index(layout.InputCiphertexts, 0, 0, 0, 0)];
            CacheBytes = bytes;
        }
    }

    /// <summary>The memory the cache takes once every plaintext is encoded (0 without a cache): what a party's budget is charged.</summary>
    public long CacheBytes { get; }

    public BfvContext Context { get; }

    public ConvLayout Layout { get; }

    /// <summary>The ciphertext level (number of primes) the plaintexts are encoded for.</summary>
    public int Level { get; }

    /// <summary>Whether the encoded plaintexts are kept between products (otherwise each product encodes them).</summary>
    public bool IsCached => _cache is not null;

    /// <summary>
    /// The kernel for <paramref name="weights"/> ([o][i][u][v], residues mod t) at <paramref name="level"/> primes (default:
    /// the top data level).
    /// </summary>
    public static PlainConvKernel Create(BfvContext context, ConvShape shape, ReadOnlySpan<ulong> weights, int level = 0, long cacheBytes = DefaultCacheBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var layout = new ConvLayout(shape, context.N);
        if (weights.Length != shape.WeightCount)
        {
            throw new ArgumentException($"{shape} has {shape.WeightCount} weights, not {weights.Length}.", nameof(weights));
        }

        ulong t = context.PlainModulus.Value;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] >= t)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), $"Weight {i} is {weights[i]}, not a residue below t = {t}.");
            }
        }

        return new PlainConvKernel(context, layout, weights.ToArray(), level == 0 ? context.MaxLevel : level, cacheBytes);
    }

    private int Index(int a, int b, int sigma, int tap, int k)
    {
        ConvLayout l = Layout;
        return ((((((a * l.OutputCiphertexts) + b) * 2) + sigma) * l.Taps.Count + tap) * l.PlanesPerRow) + k;
    }

    /// <summary>
    /// The NTT-form plaintext K_{σ,t,k} of input ciphertext a and output ciphertext b (see <see cref="ConvLayout"/>), from
    /// the cache or encoded through <paramref name="plain"/> (a coefficient-form scratch plaintext of the product) into
    /// <paramref name="scratch"/> (Level·n words), so a product that encodes as it goes allocates nothing per plaintext.
    /// </summary>
    internal ReadOnlySpan<ulong> Plaintext(int a, int b, int sigma, int tap, int k, Span<ulong> slots, Plaintext plain, Span<ulong> scratch)
    {
        int index = Index(a, b, sigma, tap, k);
        if (_cache?[index] is { } cached)
        {
            return cached;
        }

        FillSlots(a, b, sigma, tap, k, slots);
        _encoder.Encode(slots, plain);
        if (_cache is null)
        {
            _evaluator.TransformToNtt(plain, Level, scratch);
            return scratch;
        }

        var encoded = new ulong[Level * Context.N];
        _evaluator.TransformToNtt(plain, Level, encoded);
        _cache[index] = encoded;
        return encoded;
    }

    /// <summary>
    /// K_{σ,t,k}[row, j′, pos] = w[o][i][u][v] with o the output channel of block (j′ − k) mod c of the row and i the
    /// input channel of block j′ of the row (σ = 0) or of the other row (σ = 1), at every output position pos whose tap
    /// reads inside the image; 0 elsewhere.
    /// </summary>
    private void FillSlots(int a, int b, int sigma, int tap, int k, Span<ulong> slots)
    {
        slots.Clear();
        ConvLayout l = Layout;
        ConvShape s = l.Shape;
        (int u, int v, _) = l.Taps[tap];
        int c = l.PlanesPerRow;
        for (int row = 0; row < 2; row++)
        {
            for (int jIn = 0; jIn < c; jIn++)
            {
                int o = l.OutputChannel(b, row, ((jIn - k) % c + c) % c);
                int i = l.InputChannel(a, sigma, row, jIn);
                if (o >= s.OutChannels || i >= s.InChannels)
                {
                    continue;
                }

                ulong w = _weights[(((o * s.InChannels) + i) * s.KernelH + u) * s.KernelW + v];
                int block = (row * l.RowSize) + (jIn * l.PlaneSize);
                for (int y = 0; y < s.OutHeight; y++)
                {
                    int r = (s.StrideH * y) + u - s.PadTop;
                    if ((uint)r >= (uint)s.Height)
                    {
                        continue;
                    }

                    for (int x = 0; x < s.OutWidth; x++)
                    {
                        int col = (s.StrideW * x) + v - s.PadLeft;
                        if ((uint)col < (uint)s.Width)
                        {
                            slots[block + (s.StrideH * y * l.PlaneWidth) + (s.StrideW * x)] = w;
                        }
                    }
                }
            }
        }
    }
}
