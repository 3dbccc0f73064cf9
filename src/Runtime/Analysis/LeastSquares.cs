namespace ViTDsl.Runtime.Analysis;

/// <summary>Small dense linear least squares by the normal equations (a handful of well-scaled columns).</summary>
internal static class LeastSquares
{
    /// <summary>The coefficients minimising ‖y − Σ coef_j·columns_j‖², or null when the columns are (nearly) dependent.</summary>
    public static double[]? Solve(double[][] columns, double[] y)
    {
        int k = columns.Length;
        var m = new double[k, k + 1];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++) m[a, b] = Dot(columns[a], columns[b]);
            m[a, k] = Dot(columns[a], y);
        }
        double scale = 0;
        for (int a = 0; a < k; a++) scale = Math.Max(scale, m[a, a]);
        // Gaussian elimination with partial pivoting on the k×k normal matrix.
        for (int col = 0; col < k; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < k; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (Math.Abs(m[pivot, col]) <= 1e-12 * scale) return null;
            if (pivot != col) for (int c = 0; c <= k; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            for (int r = col + 1; r < k; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int c = col; c <= k; c++) m[r, c] -= f * m[col, c];
            }
        }
        var x = new double[k];
        for (int r = k - 1; r >= 0; r--)
        {
            double sum = m[r, k];
            for (int c = r + 1; c < k; c++) sum -= m[r, c] * x[c];
            x[r] = sum / m[r, r];
        }
        return x.All(double.IsFinite) ? x : null;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
