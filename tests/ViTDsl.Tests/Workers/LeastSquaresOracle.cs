using ViTDsl.Runtime.Store;
using ViTDsl.TestWorker;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// The test workload's metrics computed independently: plain loops over the same generated data, no TorchSharp,
/// no worker, no store. At step s: the loss and gradient norm at the current w, then w ← w − lr·∇.
/// </summary>
internal static class LeastSquaresOracle
{
    public static List<MetricRecord> Metrics(LeastSquaresPayload p)
    {
        var problem = LeastSquaresProblem.Generate(p.Seed, p.Rows, p.Cols);
        var w = new double[p.Cols];
        var records = new List<MetricRecord>();
        for (var step = 1; step <= p.Steps; step++)
        {
            var residual = new double[p.Rows];
            var loss = 0.0;
            for (var i = 0; i < p.Rows; i++)
            {
                var prediction = 0.0;
                for (var j = 0; j < p.Cols; j++) prediction += problem.X[i * p.Cols + j] * w[j];
                residual[i] = prediction - problem.Y[i];
                loss += residual[i] * residual[i];
            }
            var gradient = new double[p.Cols];
            for (var j = 0; j < p.Cols; j++)
            {
                for (var i = 0; i < p.Rows; i++) gradient[j] += problem.X[i * p.Cols + j] * residual[i];
                gradient[j] *= 2.0 / p.Rows;
            }
            records.Add(new MetricRecord(step, "grad_norm", Math.Sqrt(gradient.Sum(g => g * g))));
            records.Add(new MetricRecord(step, "loss", loss / p.Rows));
            for (var j = 0; j < p.Cols; j++) w[j] -= p.LearningRate * gradient[j];
        }
        return records.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Step).ToList();
    }
}
