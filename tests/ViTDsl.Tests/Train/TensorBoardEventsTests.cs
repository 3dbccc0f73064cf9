using System.Buffers.Binary;
using System.Text;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Train.Metrics;
using ViTDsl.Runtime.Train.TensorBoard;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Train;

/// <summary>
/// A run's TensorBoard event file, read back by a reader written here from the TFRecord and protobuf specifications
/// (no protobuf library, a bitwise CRC-32C): every record's framing and checksums hold, and its scalars are the
/// metrics file's values at the same steps, with the learning rate of the schedule and the declaration as text.
/// </summary>
public sealed class TensorBoardEventsTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_event_file_holds_the_metrics_files_values_the_learning_rate_and_the_declaration()
    {
        var smoke = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - 1;
        Trainer.Run(smoke, new TrainingOptions(dir.Path));
        var finished = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1;
        var layout = new RunLayout(dir.Path, smoke.Declaration);

        var events = EventReader.Read(Assert.Single(Directory.GetFiles(layout.RunDirectory, "events.out.tfevents.*")));
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, started, finished));
        var scalars = events.Where(e => e.Tag is not null && e.Text is null).ToList();

        var metrics = MetricsFile.Read(layout.Metrics);
        Assert.Contains(metrics, m => m.Name.StartsWith("fewshot/"));
        foreach (var metric in metrics)
            Assert.Contains(scalars, e => e.Tag == metric.Name && e.Step == metric.Step && e.Value == (float)metric.Value);
        Assert.Equal(metrics.Count, scalars.Count(e => e.Tag != TensorBoardObserver.LearningRate && e.Tag != TensorBoardObserver.ImagesPerSecond));

        var declaration = smoke.Declaration;
        var rates = scalars.Where(e => e.Tag == TensorBoardObserver.LearningRate).ToList();
        Assert.Equal(metrics.Count(m => m.Name == MetricName.TrainLoss), rates.Count);
        foreach (var rate in rates)
            Assert.Equal((float)(declaration.LearningRate * declaration.Schedule.Multiplier(rate.Step - 1, declaration.Steps)), rate.Value);
        Assert.All(scalars.Where(e => e.Tag == TensorBoardObserver.ImagesPerSecond), e => Assert.True(e.Value > 0));

        var text = Assert.Single(events, e => e.Text is not null);
        Assert.Equal(TensorBoardObserver.Declaration, text.Tag);
        Assert.Equal("text", text.Plugin);
        Assert.Contains(SourceText.Pretty(declaration), text.Text);
    }

    [Fact]
    public void The_option_turns_event_files_off()
    {
        var smoke = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");
        Trainer.Run(smoke, new TrainingOptions(dir.Path) { TensorBoard = false, FewShot = null });
        Assert.Empty(Directory.GetFiles(dir.Path, "events.out.tfevents.*", SearchOption.AllDirectories));
    }

    /// <summary>One Event: its wall time and step, and the first summary value's tag, simple value, plugin and text.</summary>
    private sealed record Event(double WallTime, long Step, string? FileVersion, string? Tag, float Value, string? Plugin, string? Text);

    private static class EventReader
    {
        public static List<Event> Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var events = new List<Event>();
            for (int at = 0; at < bytes.Length;)
            {
                var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
                Assert.Equal(MaskedCrc(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
                var payload = bytes.AsSpan(at + 12, length).ToArray();
                Assert.Equal(MaskedCrc(payload), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
                events.Add(Parse(payload));
                at += 12 + length + 4;
            }
            return events;
        }

        private static Event Parse(byte[] message)
        {
            double wallTime = 0; long step = 0; string? version = null, tag = null, plugin = null, text = null; float value = float.NaN;
            foreach (var (field, wire, data, number) in Fields(message))
                switch (field)
                {
                    case 1 when wire == 1: wallTime = BitConverter.Int64BitsToDouble((long)number); break;
                    case 2 when wire == 0: step = (long)number; break;
                    case 3 when wire == 2: version = Encoding.UTF8.GetString(data); break;
                    case 5 when wire == 2: // Summary { repeated Value value = 1 }
                        var first = Fields(data).First(f => f.Field == 1).Data;
                        foreach (var (f, w, d, n) in Fields(first))
                            switch (f)
                            {
                                case 1: tag = Encoding.UTF8.GetString(d); break; // tag
                                case 2 when w == 5: value = BitConverter.Int32BitsToSingle((int)n); break; // simple_value
                                case 9: plugin = Encoding.UTF8.GetString(Fields(Fields(d).First(x => x.Field == 1).Data).First(x => x.Field == 1).Data); break;
                                case 8: text = Encoding.UTF8.GetString(Fields(d).First(x => x.Field == 8).Data); break; // TensorProto.string_val
                            }
                        break;
                }
            return new Event(wallTime, step, version, tag, value, plugin, text);
        }

        /// <summary>The fields of a protobuf message: (number, wire type, bytes of a length-delimited field, value of a fixed or varint field).</summary>
        private static IEnumerable<(int Field, int Wire, byte[] Data, ulong Number)> Fields(byte[] message)
        {
            for (int at = 0; at < message.Length;)
            {
                var key = Varint(message, ref at);
                int field = (int)(key >> 3), wire = (int)(key & 7);
                switch (wire)
                {
                    case 0: yield return (field, wire, [], Varint(message, ref at)); break;
                    case 1: yield return (field, wire, [], BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(at))); at += 8; break;
                    case 5: yield return (field, wire, [], BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(at))); at += 4; break;
                    case 2:
                        var length = (int)Varint(message, ref at);
                        yield return (field, wire, message[at..(at + length)], 0);
                        at += length;
                        break;
                    default: throw new InvalidDataException($"wire type {wire}");
                }
            }
        }

        private static ulong Varint(byte[] data, ref int at)
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                var b = data[at++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
        }

        /// <summary>CRC-32C bit by bit (polynomial 0x82F63B78, reflected), masked as TFRecord does.</summary>
        private static uint MaskedCrc(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (var b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (uint)-(int)(crc & 1));
            }
            crc = ~crc;
            return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
        }
    }
}
