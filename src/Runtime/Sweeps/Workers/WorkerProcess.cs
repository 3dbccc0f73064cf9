using System.ComponentModel;
using System.Diagnostics;
using Nerdbank.Streams;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// A worker child process: its standard input and output joined into the duplex stream the protocol runs over,
/// its standard error delivered line by line (a crashing .NET worker prints its exception there).
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task _stderrDone;

    private WorkerProcess(Process process, Action<string> onStderrLine)
    {
        _process = process;
        Duplex = FullDuplexStream.Splice(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
        _stderrDone = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line) onStderrLine(line);
        });
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The worker's standard output (read) and standard input (write) as one stream.</summary>
    public Stream Duplex { get; }

    /// <summary>Starts the worker.</summary>
    /// <exception cref="InvalidOperationException">The command cannot be started (says which and why).</exception>
    public static WorkerProcess Start(WorkerCommand command, Action<string> onStderrLine)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in command.Arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in command.Environment) info.Environment[k] = v;
        try
        {
            return new WorkerProcess(Process.Start(info)!, onStderrLine);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot start the worker '{command}': {e.Message}. Check the worker command (the program path and its arguments).", e);
        }
    }

    /// <summary>
    /// Waits for the worker to exit (after the session hung up) and for its standard error to be read; kills it
    /// if it has not exited within <paramref name="grace"/>. Returns the exit code (128 + signal when killed by one).
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan grace)
    {
        using (var timeout = new CancellationTokenSource(grace))
        {
            try { await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { Kill(); await _process.WaitForExitAsync().ConfigureAwait(false); }
        }
        try { await _stderrDone.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TimeoutException) { } // a grandchild still holds standard error open: don't wait for it
        return _process.ExitCode;
    }

    /// <summary>True once the worker has exited (or was never there to ask).</summary>
    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; } // disposed
        }
    }

    /// <summary>Kills the worker and anything it started.</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
    }

    public void Dispose()
    {
        Kill();
        Duplex.Dispose();
        _process.Dispose();
    }
}
