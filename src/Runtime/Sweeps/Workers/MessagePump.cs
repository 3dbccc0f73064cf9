using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Queues encoded lines and writes them to a pipe on a background task, so reporting from a training loop never
/// waits for I/O. Order is preserved. A broken connection is remembered, not thrown at the caller.
/// </summary>
internal sealed class MessagePump
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>();
    private readonly PipeWriter _writer;
    private readonly Task _pump;

    public MessagePump(PipeWriter writer)
    {
        _writer = writer;
        _pump = Task.Run(PumpAsync);
    }

    public bool Broken { get; private set; }

    public void Post(byte[] line) => _queue.Writer.TryWrite(line);

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(done)) done.TrySetResult();
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then completes the pipe (the reader sees end of stream).</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        try { await _writer.CompleteAsync().ConfigureAwait(false); }
        catch (Exception) { Broken = true; }
    }

    private async Task PumpAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item is TaskCompletionSource flushed)
            {
                if (!Broken)
                {
                    try { await _writer.FlushAsync().ConfigureAwait(false); }
                    catch (Exception) { Broken = true; }
                }
                flushed.TrySetResult();
                continue;
            }
            if (Broken) continue;
            try
            {
                var line = (byte[])item;
                _writer.Write(line);
                // Flush when the queue is momentarily empty: batches bursts, yet never holds a record back.
                if (_queue.Reader.Count == 0) await _writer.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                Broken = true;
            }
        }
        if (!Broken)
        {
            try { await _writer.FlushAsync().ConfigureAwait(false); }
            catch (Exception) { Broken = true; }
        }
    }
}
