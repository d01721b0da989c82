using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

/// <summary>
/// The extension sender sees only the matrix u. Its distribution must not depend on the receiver's choice bits r:
/// for all-zero, all-one and random r, the u bytes must look uniform and uncorrelated with r. Fixed thresholds
/// (≈ 6σ, false-alarm probability below 10⁻⁸ per check) that a leak such as u = r, or u built with OR instead of XOR,
/// fails by orders of magnitude; the negative controls below show that.
/// </summary>
public class IknpViewTests
{
    private const int M = 8192;

    private static byte[] Pattern(string kind)
    {
        var r = new byte[M / 8];
        if (kind == "ones") Array.Fill(r, (byte)0xff);
        if (kind == "random") Prg.ForTests(77).FillBytes(r);
        return r;
    }

    private static byte[] HonestMatrixPayload(byte[] r)
    {
        var ot = OtLoopback.Create(null, Prg.ForTests(1), Prg.ForTests(2));
        var message = ot.Receiver.ExtendRandomCorrelated(r, M, new Block[M]);
        return message[OtMessage.HeaderSize..];
    }

    /// <summary>The reasons <paramref name="u"/> (128 columns of M bits) fails to look independent of r, if any.</summary>
    private static List<string> Problems(byte[] u, byte[] r)
    {
        var problems = new List<string>();
        Assert.Equal(128 * M / 8, u.Length);

        // Byte chi-square against uniform, 255 degrees of freedom: mean 255, σ ≈ 22.6.
        var histogram = new long[256];
        foreach (byte b in u) histogram[b]++;
        double expected = u.Length / 256.0;
        double chi2 = histogram.Sum(h => (h - expected) * (h - expected) / expected);
        if (chi2 > 400) problems.Add($"byte chi-square {chi2:F0} > 400");

        // Ones per column: Binomial(M, 1/2), σ = √M / 2.
        double columnBound = 6 * Math.Sqrt(M) / 2;
        for (int i = 0; i < 128; i++)
        {
            long ones = 0;
            for (int k = 0; k < M / 8; k++) ones += System.Numerics.BitOperations.PopCount(u[i * M / 8 + k]);
            if (Math.Abs(ones - M / 2.0) > columnBound) { problems.Add($"column {i} has {ones} ones of {M}"); break; }
        }

        // Agreement of u's bits with r's bits over all columns: Binomial(128·M, 1/2).
        long agree = 0;
        for (int i = 0; i < 128; i++)
            for (int k = 0; k < M / 8; k++)
                agree += 8 - System.Numerics.BitOperations.PopCount((uint)(u[i * M / 8 + k] ^ r[k]));
        double n = 128.0 * M;
        if (Math.Abs(agree - n / 2) > 6 * Math.Sqrt(n) / 2) problems.Add($"u agrees with r on {agree} of {n} bits");
        return problems;
    }

    [Theory]
    [InlineData("zeros")]
    [InlineData("ones")]
    [InlineData("random")]
    public void MatrixLooksUniformWhateverTheChoices(string kind)
    {
        var r = Pattern(kind);
        Assert.Empty(Problems(HonestMatrixPayload(r), r));
    }

    [Theory]
    [InlineData("zeros")]
    [InlineData("ones")]
    [InlineData("random")]
    public void NegativeControlSendingRItselfIsCaught(string kind)
    {
        var r = Pattern(kind);
        var leaky = new byte[128 * M / 8];
        for (int i = 0; i < 128; i++) r.CopyTo(leaky, i * M / 8);
        Assert.NotEmpty(Problems(leaky, r));
    }

    [Theory]
    [InlineData("ones")]
    [InlineData("random")]
    public void NegativeControlCombiningWithOrIsCaught(string kind)
    {
        // u^i = (t^i ⊕ G(k_i^1)) OR r: a one-character bug that leaks every set choice bit.
        var r = Pattern(kind);
        var leaky = HonestMatrixPayload(new byte[M / 8]);
        for (int i = 0; i < 128; i++)
            for (int k = 0; k < M / 8; k++) leaky[i * M / 8 + k] |= r[k];
        Assert.NotEmpty(Problems(leaky, r));
    }
}
