using System.Numerics;

namespace Seco.Nn;

/// <summary>Index of the largest value; ties go to the lowest index (both references agree on this).</summary>
public static class ArgMax
{
    public static int Of<T>(ReadOnlySpan<T> values) where T : INumber<T>
    {
        if (values.IsEmpty) throw new ArgumentException("argmax of an empty vector");
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
