using System.Threading.Channels;

namespace ViTDsl.Runtime.Data;

/// <summary>
/// The training stream with background prefetch: a producer thread builds the next batches (as tensors) into a
/// bounded channel while the trainer computes. <see cref="Position"/> is the position after the last batch handed
/// out, not the producer's: save that, and a loader started from it yields exactly the batches that would have
/// come next. With <c>prefetch: 0</c> batches are built on the caller's thread.
/// </summary>
internal sealed class BatchLoader : IDisposable
{
    private readonly BatchSampler sampler;
    private readonly Channel<Batch>? channel;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread? producer;
    private bool disposed;

    public BatchLoader(BatchSampler sampler, DataPosition start, int prefetch = 4)
    {
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "prefetch is 0 (none) or more batches");
        sampler.ImageAt(start); // validate before starting a thread
        this.sampler = sampler;
        Position = start;
        if (prefetch == 0) return;
        channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
        producer = new Thread(() => Produce(start)) { IsBackground = true, Name = "ViTDsl data prefetch" };
        producer.Start();
    }

    /// <summary>The position after the last batch returned by <see cref="Next"/>: store it to resume.</summary>
    public DataPosition Position { get; private set; }

    public int BatchSize => sampler.BatchSize;

    /// <summary>The next batch; the caller disposes it. Errors of the producer are rethrown here.</summary>
    public Batch Next()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Batch batch;
        if (channel is null) batch = sampler.Next(Position);
        else
        {
            try
            {
                batch = channel.Reader.ReadAsync(stop.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                throw new InvalidOperationException($"The data loader failed at {Position}: {e.InnerException.Message}", e.InnerException);
            }
        }
        Position = batch.End;
        return batch;
    }

    private void Produce(DataPosition start)
    {
        var position = start;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = sampler.Next(position);
                position = batch.End;
                try
                {
                    channel!.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    batch.Dispose();
                    break;
                }
            }
            channel!.Writer.TryComplete();
        }
        catch (Exception e)
        {
            channel!.Writer.TryComplete(e);
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stop.Cancel();
        producer?.Join();
        if (channel is not null)
            while (channel.Reader.TryRead(out var left)) left.Dispose();
        stop.Dispose();
    }
}
