namespace ViTDsl.Runtime.Train;

/// <summary>Receives a run's progress as it happens (a progress display, a worker reporting to its parent).</summary>
public interface ITrainingObserver
{
    void Started(string name, long fromStep, long totalSteps) { }
    void Stepped(long step, double loss, double imagesPerSecond) { }
    void Checkpointed(long step, string path) { }
    void Evaluated(long step, IReadOnlyDictionary<string, double> metrics) { }
    void Log(string message) { }
}
