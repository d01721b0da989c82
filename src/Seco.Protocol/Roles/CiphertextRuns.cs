namespace Seco.Protocol.Roles;

/// <summary>
/// A message field that carries ciphertexts for several blocks carries each block's run in block order: a block's
/// vector spans as many ciphertexts as its form packs it into (issue 20: 16×32×32 activations, convolution outputs
/// over several ciphertexts). The counts are public functions of the shapes, so every receiver checks them.
/// </summary>
internal static class CiphertextRuns
{
    /// <summary>Splits <paramref name="flat"/> into the runs of <paramref name="blocks"/>; refuses any other count, naming <paramref name="what"/>.</summary>
    public static Dictionary<int, T[]> Split<T>(IReadOnlyList<T> flat, IEnumerable<int> blocks, Func<int, int> count, string what)
    {
        int[] order = [.. blocks];
        int expected = order.Sum(count);
        if (flat.Count != expected)
            throw new ProtocolViolationException($"{what}: expected {expected} ciphertexts for blocks [{string.Join(", ", order)}], got {flat.Count}");
        var runs = new Dictionary<int, T[]>(order.Length);
        int at = 0;
        foreach (int i in order)
        {
            int c = count(i);
            var run = new T[c];
            for (int k = 0; k < c; k++) run[k] = flat[at + k];
            runs[i] = run;
            at += c;
        }
        return runs;
    }

    /// <summary>The block each ciphertext of a flat field belongs to, in order.</summary>
    public static int[] Owners(IEnumerable<int> blocks, Func<int, int> count) => [.. blocks.SelectMany(i => Enumerable.Repeat(i, count(i)))];
}
