using System.Text.Json.Nodes;
using TorchSharp.Modules;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

/// <summary>
/// Several steps of the whole chain (clip → optimizer → × lr → + decay → × schedule) on a 64×48 matrix (factored),
/// a vector, a 3-D tensor (factored over its two largest axes), a 31×40 matrix (just below the factoring
/// threshold) and attention kernels in big_vision's layout (docs/reference.md §2, §4): a query kernel of 4 heads of
/// width 16, (64, 4, 16), whose second-largest dim 16 &lt; 32 keeps a full second moment, and query (96, 2, 48) and
/// output (2, 48, 96) kernels of 2 heads of width 48, factored over D and the head width, per head. Against the
/// numpy oracle, which transposes to big_vision's shape itself. The first step (β2 = 0) is included.
/// </summary>
public class ReferenceStepTests
{
    private static readonly long[][] Shapes = [[64, 48], [48], [8, 40, 36], [31, 40], [64, 64], [96, 96], [96, 96]];
    private static readonly ParameterLayout?[] Layouts =
        [null, null, null, null, ParameterLayout.HeadsOutKernel(64, 4), ParameterLayout.HeadsOutKernel(96, 2), ParameterLayout.HeadsInKernel(96, 2)];
    private static readonly ParameterGroup[] Groups =
        [ParameterGroup.HeadKernel, ParameterGroup.NoDecay, ParameterGroup.BodyKernel, ParameterGroup.BodyKernel, ParameterGroup.BodyKernel, ParameterGroup.BodyKernel, ParameterGroup.BodyKernel];
    private const double Lr = 0.05, HeadDecay = 0.05, BodyDecay = 0.01;
    private static readonly double[] Schedule = [1.0, 0.5, 0.8, 0.25, 1.0];
    // Gradient scales chosen so that global-norm clipping at 1.0 triggers on some steps and not on others.
    private static readonly double[] GradScale = [0.001, 0.02, 0.005, 0.1, 0.003];

    private static readonly Dictionary<string, (Optimizer Optimizer, double? Clip, long StartStep)> Cases = new()
    {
        ["adam"] = (new Optimizer.Adam(), 1.0, 0),
        ["adam-bf16"] = (new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, 1.0, 0),
        ["adam-noclip"] = (new Optimizer.Adam { Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6 }, null, 0),
        ["adafactor"] = (new Optimizer.Adafactor(), 1.0, 0),
        ["adafactor-f32"] = (new Optimizer.Adafactor { MomentumDtype = StateDtype.F32 }, 1.0, 0),
        ["adafactor-capped"] = (new Optimizer.Adafactor { MomentumDtype = StateDtype.F32 }, 1.0, 20_000),
        ["adafactor-clip-nomomentum"] = (new Optimizer.Adafactor { Momentum = null, ClipThreshold = 0.5 }, null, 0),
        ["sgd"] = (new Optimizer.Sgd { MomentumDtype = StateDtype.F32 }, 1.0, 0),
        ["sgd-bf16-nesterov"] = (new Optimizer.Sgd { Nesterov = true }, null, 0),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Chain_matches_the_numpy_oracle_step_by_step(string name)
    {
        var (optimizer, clip, startStep) = Cases[name];
        var generator = new Generator(1234);
        var parameters = Shapes.Select(s => new Parameter(randn(s, generator: generator))).ToList();
        var grads = Shapes.Select(s => GradScale.Select(scale => randn(s, generator: generator).mul_(scale)).ToList()).ToList();
        var input = new JsonObject
        {
            ["optimizer"] = NumpyOracle.Describe(optimizer), ["lr"] = Lr, ["clip"] = clip, ["start_step"] = startStep,
            ["schedules"] = new JsonArray(Schedule.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["tensors"] = new JsonArray(Shapes.Select((s, i) => (JsonNode)NumpyOracle.Layout(Layouts[i], new JsonObject
            {
                ["shape"] = new JsonArray(s.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["theta"] = NumpyOracle.Array(parameters[i].data<float>()),
                ["grads"] = new JsonArray(grads[i].Select(g => (JsonNode)NumpyOracle.Array(g.data<float>())).ToArray()),
                ["decay"] = Groups[i] switch { ParameterGroup.HeadKernel => HeadDecay, ParameterGroup.BodyKernel => BodyDecay, _ => 0.0 },
            })).ToArray()),
        };
        var expected = NumpyOracle.Run(input);

        var groups = new ParameterGroups(parameters.Select((p, i) => new NamedParameter($"p{i}", p, Groups[i], Layouts[i])));
        using var chain = new OptimizerChain(groups, optimizer, Lr, HeadDecay, BodyDecay, clip);
        if (startStep > 0)
        {
            var state = chain.StateDict();
            state["step"] = tensor(startStep);
            chain.LoadStateDict(state);
        }
        var bf16State = optimizer is Optimizer.Adam { FirstMoment: StateDtype.Bf16 } or Optimizer.Adafactor { MomentumDtype: StateDtype.Bf16, Momentum: not null }
            or Optimizer.Sgd { MomentumDtype: StateDtype.Bf16 };
        for (var k = 0; k < Schedule.Length; k++)
        {
            for (var i = 0; i < parameters.Count; i++) parameters[i].grad = grads[i][k];
            chain.Step(Schedule[k]);
            for (var i = 0; i < parameters.Count; i++)
            {
                var want = NumpyOracle.Doubles(expected["thetas"]![k]![i]!);
                // A bfloat16 state rounded on the other side of a tie by float32-vs-float64 arithmetic moves θ by
                // at most lr·momentum·2⁻⁸·|m| in that element; float32 state must agree to float32 accuracy.
                AssertClose(want, parameters[i].data<float>().ToArray(), rtol: 1e-5, atol: bf16State ? 5e-4 : 2e-6, $"{name} step {k} tensor {Shapes[i].Length}-D [{string.Join("x", Shapes[i])}]");
            }
        }
        Assert.Equal(startStep + Schedule.Length, chain.StepCount);

        var finalState = chain.StateDict();
        for (var i = 0; i < parameters.Count; i++)
            foreach (var (key, node) in expected["states"]![i]!.AsObject())
            {
                var actual = finalState[$"p{i}:{key}"];
                var want = NumpyOracle.Doubles(node!);
                var got = actual.to_type(ScalarType.Float64).data<double>().ToArray();
                if (actual.dtype == ScalarType.BFloat16)
                {
                    // Almost every stored value is bit-identical to the oracle's bfloat16. A rare rounding tie broken
                    // differently by float32-vs-float64 arithmetic changes that element by one bfloat16 ulp, which later
                    // EMA steps carry on (so the bound is relative to the tensor's scale, not the element's).
                    AssertClose(want, got, rtol: 1.0 / 128, atol: want.Max(Math.Abs) / 128, $"{name} {key} of tensor {i}");
                    var identical = want.Zip(got).Count(p => p.First == p.Second);
                    Assert.True(identical >= 0.995 * want.Length, $"{name} {key}: only {identical}/{want.Length} bfloat16 values equal the oracle's");
                }
                else
                {
                    var scale = want.Max(Math.Abs);
                    AssertClose(want, got, rtol: 1e-5, atol: 1e-6 * scale, $"{name} {key} of tensor {i}");
                }
            }
    }

    internal static void AssertClose(double[] expected, IReadOnlyList<float> actual, double rtol, double atol, string what) =>
        AssertClose(expected, actual.Select(x => (double)x).ToArray(), rtol, atol, what);

    internal static void AssertClose(double[] expected, double[] actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var j = 0; j < expected.Length; j++)
        {
            var tolerance = atol + rtol * Math.Abs(expected[j]);
            if (!(Math.Abs(expected[j] - actual[j]) <= tolerance))
                Assert.Fail($"{what}: element {j} is {actual[j]:R}, the oracle says {expected[j]:R} (tolerance {tolerance:G3})");
        }
    }
}
