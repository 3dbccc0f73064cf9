using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace ViTDsl.Runtime.Workers;

/// <summary>Newline-delimited text and JSON over a pipe: the framing of every channel of the worker protocol.</summary>
internal static class LineChannel
{
    public static byte[] Encode(WorkerMessage message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, WorkerProtocol.Json);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    public static byte[] Encode(string textLine) => Encoding.UTF8.GetBytes(textLine.Replace('\n', ' ') + "\n");

    public static WorkerMessage Decode(string line) =>
        JsonSerializer.Deserialize<WorkerMessage>(line, WorkerProtocol.Json)
        ?? throw new InvalidDataException($"empty protocol message: {line}");

    /// <summary>
    /// Yields the complete lines available at each read, as one batch: a reader that keeps up gets small batches,
    /// one that falls behind gets large ones (which the store then commits in one transaction). Ends at end of stream.
    /// </summary>
    public static async IAsyncEnumerable<List<string>> ReadBatchesAsync(PipeReader reader)
    {
        while (true)
        {
            ReadResult result;
            try { result = await reader.ReadAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                yield break; // the connection died: same as end of stream for the reader
            }
            var buffer = result.Buffer;
            var lines = new List<string>();
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                lines.Add(Encoding.UTF8.GetString(buffer.Slice(0, newline)));
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (lines.Count > 0) yield return lines;
            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty) yield return [Encoding.UTF8.GetString(buffer)];
                yield break;
            }
        }
    }
}
