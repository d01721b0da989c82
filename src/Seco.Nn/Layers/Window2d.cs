namespace Seco.Nn.Layers;

/// <summary>The input positions a 2-D window (conv or pool) reads for one output position, shared by the layers' term visitors.</summary>
internal static class Window2d
{
    /// <summary>
    /// Calls <paramref name="tap"/>(row, col, u, v) for every kernel offset (u, v) of output (r, c) whose input row/col
    /// lies inside the image; taps on zero padding are skipped (they contribute nothing).
    /// </summary>
    public static void Taps(int r, int c, int kernelH, int kernelW, int strideH, int strideW, Padding2d padding, int height, int width, Action<int, int, int, int> tap)
    {
        for (int u = 0; u < kernelH; u++)
        {
            int row = r * strideH + u - padding.Top;
            if ((uint)row >= (uint)height) continue;
            for (int v = 0; v < kernelW; v++)
            {
                int col = c * strideW + v - padding.Left;
                if ((uint)col >= (uint)width) continue;
                tap(row, col, u, v);
            }
        }
    }
}
