using System.Globalization;
using System.Text;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Runtime.Cluster;

/// <summary>
/// A sweep's pending trials as one Slurm job array: task i runs the trials on line i of the task list (one lineage,
/// longest run first, so its shorter branches start from the shared prefix the longest wrote). The batch script
/// starts <c>vitdsl slurm-task</c>, which runs those trials with the usual worker processes against the shared store
/// and run folder. The store URL travels in the job's environment (<see cref="StoreVariable"/>), not in a file.
/// </summary>
internal sealed record SlurmArray(string Sweep, IReadOnlyList<IReadOnlyList<string>> Tasks)
{
    /// <summary>The environment variable that names the results store (a PostgreSQL URL on a cluster).</summary>
    public const string StoreVariable = "VITDSL_STORE";

    /// <summary>The variable Slurm sets to an array task's index.</summary>
    public const string TaskIndexVariable = "SLURM_ARRAY_TASK_ID";

    /// <summary>The trials grouped by lineage, keeping the order given within and across groups.</summary>
    public static SlurmArray Of(string sweep, IEnumerable<(string Trial, string Lineage)> trials) =>
        new(sweep, trials.GroupBy(t => t.Lineage).Select(g => (IReadOnlyList<string>)g.Select(t => t.Trial).ToList()).ToList());

    /// <summary>Writes the task list and the batch script into <paramref name="folder"/>; returns the script's path.</summary>
    /// <param name="task">The command an array task runs, without the task list (which is appended as <c>--tasks FILE</c>).</param>
    public string Write(string folder, WorkerCommand task)
    {
        Directory.CreateDirectory(folder);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        stamp += $"-{Environment.ProcessId}"; // two submitters at once write side by side
        var list = Path.Combine(folder, $"tasks-{stamp}.txt");
        File.WriteAllLines(list, Tasks.Select(t => string.Join('\t', t)));
        var script = Path.Combine(folder, $"array-{stamp}.sh");
        var text = new StringBuilder()
            .AppendLine("#!/bin/bash")
            .AppendLine($"# Written by `vitdsl sweep {Sweep} --on slurm`: array task $SLURM_ARRAY_TASK_ID runs line $SLURM_ARRAY_TASK_ID of the task list.")
            .AppendLine($"exec {string.Join(' ', new[] { task.FileName }.Concat(task.Arguments).Append("--tasks").Append(list).Select(Quote))}")
            .ToString();
        File.WriteAllText(script, text);
        if (!OperatingSystem.IsWindows()) // Slurm runs on Unix; the mode only matters there
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return script;
    }

    /// <summary>The trials of one task, from a task list written by <see cref="Write"/>.</summary>
    /// <exception cref="ArgumentException">The list has no line <paramref name="index"/>.</exception>
    public static IReadOnlyList<string> ReadTask(string taskList, int index)
    {
        var lines = File.ReadAllLines(taskList);
        if (index < 0 || index >= lines.Length)
            throw new ArgumentException($"The task list '{taskList}' has {lines.Length} tasks, no task {index}: was the array submitted with another list?");
        return lines[index].Split('\t', StringSplitOptions.RemoveEmptyEntries);
    }

    // Single quotes for the shell: every character literal, a quote itself closed, escaped and reopened.
    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
