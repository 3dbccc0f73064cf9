namespace ViTDsl.Experiments.Cli;

/// <summary>Turns the errors a researcher can fix into a one-line message and an exit code, not a stack trace.</summary>
public static class CommandErrors
{
    public static int Guard(Func<int> run)
    {
        try { return run(); }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped; everything up to here is kept. Run the same command again to resume.");
            return ExitCodes.Failure;
        }
        catch (FileNotFoundException e) { return Fail(e.Message, ExitCodes.DataMissing); }
        catch (DirectoryNotFoundException e) { return Fail(e.Message, ExitCodes.DataMissing); }
        catch (InvalidDataException e) { return Fail(e.Message, ExitCodes.Failure); }
        catch (ArgumentException e) { return Fail(e.Message, ExitCodes.UsageError); }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine("error: " + message);
        return code;
    }
}
