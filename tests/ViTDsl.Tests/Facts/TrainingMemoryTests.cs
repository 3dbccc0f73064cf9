using FsCheck.Xunit;
using ViTDsl.Runtime.Models;
using ViTDsl.Tests.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Facts;

// Oracles: the paper's memory arithmetic (§3.4, docs/reference.md §4 and §9), the module's real parameters, and the
// properties any activation count must have. The formula is checked against measured peaks in TrainingMemoryMeasuredTests.
public class TrainingMemoryTests
{
    private const double GiB = TrainingMemory.BytesPerGiB;

    private static Experiment Jft(Vit model, Optimizer optimizer, int batch, Accelerator device, int devices = 1) =>
        new(model with { Pool = new Pool.Map(), Classifier = new Classifier(29_593) })
        {
            Optimizer = optimizer, Device = device, DeviceCount = devices,
            Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = batch },
        };

    [Fact]
    public void ViT_G_fits_a_TPUv3_core_with_adafactor_but_not_with_adam_in_the_papers_accounting()
    {
        // Paper §3.4: ViT-G has about two billion parameters, 8 GiB in float32; Adam adds two moments (+16 GiB), so
        // weights and optimizer state exceed a TPUv3 core's 16 GiB; the modified Adafactor adds about half (+4 GiB).
        var adam = TrainingMemory.Of(Jft(Vit.G(14), new Optimizer.Adam(), 8, Accelerator.TpuV3Core));
        var adafactor = TrainingMemory.Of(Jft(Vit.G(14), new Optimizer.Adafactor(), 8, Accelerator.TpuV3Core));
        Assert.InRange(adam.WeightBytes / GiB, 7.0, 8.0);
        Assert.True(adam.WeightBytes + adam.OptimizerStateBytes > 16 * GiB);
        Assert.True(adafactor.WeightBytes + adafactor.OptimizerStateBytes < 16 * GiB);
        Assert.InRange(adafactor.OptimizerStateBytes / (double)adafactor.WeightBytes, 0.5, 0.52);
        // With float32 gradients held too, Adam's model states alone (16 B/param) exceed the core: no batch fits, and
        // the build error says so and proposes Adafactor.
        Assert.Equal(0, TrainingMemory.LargestBatchPerDevice(Jft(Vit.G(14), new Optimizer.Adam(), 8, Accelerator.TpuV3Core), Accelerator.TpuV3Core));
        var problem = Assert.Single(MemoryRules.Check(Jft(Vit.G(14), new Optimizer.Adam(), 16_384, Accelerator.TpuV3Core, devices: 2048)));
        Assert.Equal("VIT401", problem.Id);
        Assert.Contains("Not even one image fits", problem.Message);
        Assert.Contains("Optimizer = new Optimizer.Adafactor()", problem.Message);
    }

    [Theory]
    [InlineData("g/14")]
    [InlineData("G/14")]
    public void Adafactor_fits_a_larger_batch_than_adam_on_an_80_GiB_gpu(string preset)
    {
        var adam = TrainingMemory.LargestBatchPerDevice(Jft(Vit.Named(preset), new Optimizer.Adam(), 1, Accelerator.A100_80), Accelerator.A100_80);
        var adafactor = TrainingMemory.LargestBatchPerDevice(Jft(Vit.Named(preset), new Optimizer.Adafactor(), 1, Accelerator.A100_80), Accelerator.A100_80);
        Assert.InRange(adam, 1, adafactor - 1);
    }

    [Property(MaxTest = 100)]
    public bool The_largest_batch_fits_and_one_more_does_not(byte which, byte memory)
    {
        var model = new[] { Vit.Ti(16), Vit.S(16), Vit.B(16) }[which % 3];
        var device = Accelerator.Cpu(1 + memory % 24);
        var e = Jft(model, new Optimizer.Adafactor(), 1, device);
        var largest = TrainingMemory.LargestBatchPerDevice(e, device);
        bool Fits(int b) => TrainingMemory.Of(e with { Data = e.Data with { Batch = b } }).PeakBytes <= device.MemoryBytes;
        return largest == 0 ? !Fits(1) : Fits(largest) && !Fits(largest + 1);
    }

    [Property(MaxTest = 200)]
    public bool Every_term_grows_with_batch_width_depth_and_mlp(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes, byte batch)
    {
        var m = RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes);
        var b = 1 + batch % 64;
        // Adam: Adafactor's state is not monotone (see Adafactor_state_shrinks_when_a_kernel_starts_to_be_factored).
        TrainingMemory Plan(Vit v, int images) => TrainingMemory.Of(new Experiment(v)
        {
            Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = images }, Optimizer = new Optimizer.Adam(),
        });
        static bool AllGrow(TrainingMemory a, TrainingMemory c) => c.WeightBytes >= a.WeightBytes && c.GradientBytes >= a.GradientBytes
            && c.OptimizerStateBytes >= a.OptimizerStateBytes && c.ActivationBytes >= a.ActivationBytes && c.PeakBytes > a.PeakBytes;
        var plan = Plan(m, b);
        return AllGrow(plan, Plan(m, b + 1))
            && AllGrow(plan, Plan(m with { Width = m.Width + m.Heads }, b))
            && AllGrow(plan, Plan(m with { Depth = m.Depth + 1 }, b))
            && AllGrow(plan, Plan(m with { Mlp = m.Mlp + 1 }, b));
    }

    [Fact]
    public void Adafactor_state_shrinks_when_a_kernel_starts_to_be_factored()
    {
        // A (31, 64) MLP kernel keeps a full float32 second moment (6 B/param with the momentum); at width 32 it is
        // factored (2 B/param plus row and column statistics), so a wider model can hold less optimizer state.
        Vit Model(int width) => new(Patch: 4, Width: width, Depth: 1, Mlp: 64, Heads: 1) { Image = 8 };
        var narrow = OptimizerMemory.StateBytes(new Optimizer.Adafactor(), Model(31));
        var wide = OptimizerMemory.StateBytes(new Optimizer.Adafactor(), Model(32));
        Assert.True(wide < narrow, $"{wide} ≥ {narrow}");
    }

    [Property(MaxTest = 200)]
    public bool Activations_are_linear_in_the_batch(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes, byte batch)
    {
        var m = RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes);
        long A(int b) => ActivationMemory.Bytes(m, new Loss.Sigmoid(), b);
        int b1 = 1 + batch % 50, b2 = 1 + batch % 7;
        // A(b) = b·(per image) + (batch-independent): the increments are equal and proportional to the batch.
        return A(b1 + b2) - A(b1) == A(b2) - A(0) && A(2 * b1) - A(b1) == A(b1) - A(0) && A(b1) > A(0);
    }

    [Property(MaxTest = 40)]
    public bool Weight_and_gradient_bytes_are_4_per_parameter_of_the_real_module(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes)
    {
        var m = RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes);
        using var module = new AssembledVit(m, device("meta"));
        var plan = TrainingMemory.Of(new Experiment(m));
        var bytes = module.parameters().Sum(p => p.numel() * p.element_size());
        return plan.WeightBytes == bytes && plan.GradientBytes == bytes;
    }

    [Fact]
    public void The_batch_is_split_over_the_devices_and_the_plan_carries_the_memory()
    {
        // The paper's ViT-g recipe: 16,384 images on 512 TPUv3 cores is 32 per core (docs/reference.md §6).
        var e = Jft(Vit.g(14), new Optimizer.Adafactor(), 16_384, Accelerator.TpuV3Core, devices: 512);
        var facts = PlanFacts.Of(e);
        Assert.Equal(32, facts.Memory.BatchPerDevice);
        Assert.Equal(TrainingMemory.Of(e), facts.Memory);
        Assert.Equal(16L << 30, facts.DeviceMemoryBytes);
        Assert.Equal(TrainingMemory.LargestBatchPerDevice(e, Accelerator.TpuV3Core), facts.LargestBatchPerDevice);
        Assert.Equal(7, TrainingMemory.BatchPerDeviceOf(e with { Data = e.Data with { Batch = 13 }, DeviceCount = 2 }));
        // Halving the activation element (bfloat16) halves the activations and nothing else.
        var bf16 = TrainingMemory.Of(e with { Precision = Precision.Bf16 });
        Assert.Equal(facts.Memory.ModelStateBytes, bf16.ModelStateBytes);
        Assert.InRange(bf16.ActivationBytes / (double)facts.Memory.ActivationBytes, 0.5, 0.51);
    }

    [Fact]
    public void A_declaration_that_does_not_fit_says_by_how_much_and_how_to_fix_it()
    {
        var e = Jft(Vit.B(16), new Optimizer.Adam(), 4096, Accelerator.A100_40);
        var plan = TrainingMemory.Of(e);
        var largest = TrainingMemory.LargestBatchPerDevice(e, Accelerator.A100_40);
        var problem = Assert.Single(MemoryRules.Check(e));
        Assert.Equal(("VIT401", "Device"), (problem.Id, problem.Member));
        Assert.Contains(TrainingMemory.Gib(plan.PeakBytes), problem.Message);
        Assert.Contains("40.00 GiB", problem.Message);
        Assert.Contains(TrainingMemory.Gib(plan.PeakBytes - (40L << 30)) + " too much", problem.Message);
        Assert.Contains($"largest batch per device that fits is {largest}", problem.Message);
        Assert.Contains($"DeviceCount = {(4096 + largest - 1) / largest}", problem.Message);
        Assert.Contains("Adafactor", problem.Message);
        // The fixes it names do fit.
        Assert.Empty(MemoryRules.Check(e with { Data = e.Data with { Batch = largest } }));
        Assert.Empty(MemoryRules.Check(e with { DeviceCount = (4096 + largest - 1) / largest }));
        Assert.Empty(MemoryRules.Check(e with { Device = new Experiment(Vit.B(16)).Device })); // this machine: not checked
        Assert.Equal(["VIT402", "VIT402"], MemoryRules.Check(e with { DeviceCount = 0, Device = Accelerator.Cpu(0) }).Select(p => p.Id));
    }

    [Fact]
    public void The_device_does_not_change_a_runs_lineage() =>
        Assert.Equal(Lineage.KeyOf(new Experiment(Vit.Ti(16))), Lineage.KeyOf(new Experiment(Vit.Ti(16)) { Device = Accelerator.H100_80, DeviceCount = 8 }));
}
