using System.Collections.Generic;

namespace ViTDsl;

/// <summary>
/// One kind of build diagnostic: its stable id, title, message format and severity. Its help is the section of
/// docs/diagnostics.md headed by the id. The generator makes its descriptors from <see cref="DiagnosticKinds.All"/>.
/// </summary>
/// <param name="Id">Stable id, e.g. "VIT003".</param>
/// <param name="MessageFormat">
/// The message, with <c>{0}</c> the subject (a declaration, a class or the code at fault) and <c>{1}</c> the detail; a
/// Dsl rule's message is the <see cref="Problem.Message"/> it found, so its format is <c>{1}</c>.
/// </param>
/// <param name="IsWarning">A warning rather than an error.</param>
public sealed record DiagnosticKind(string Id, string Title, string MessageFormat, bool IsWarning = false);

/// <summary>
/// Every diagnostic the generator reports, defined once: the Dsl's rules name their problems by these kinds
/// (<see cref="Problem.Id"/>) and the generator's descriptors are made from this table, so no id exists anywhere else.
/// </summary>
public static class DiagnosticKinds
{
    private const string RuleMessage = "{1}";

    // Reported by the generator itself.
    public static readonly DiagnosticKind NotEvaluable = new("VIT001", "Declaration cannot be evaluated at compile time",
        "'{0}' cannot be evaluated at build time: {1}. Build declarations only from literals, constants, ViTDsl " +
        "vocabulary (records, presets, operators) and other declarations.");
    public static readonly DiagnosticKind ClassNotStaticPartial = new("VIT005", "Experiments class must be static partial and top-level",
        "Class '{0}' has [Experiments] but is not a top-level 'static partial' class; declare it as 'public static partial class {0}' " +
        "so the generator can add the generated models and plans to it");
    public static readonly DiagnosticKind EvaluationFailed = new("VIT006", "Declaration fails when evaluated", "Evaluating '{0}' failed: {1}");
    public static readonly DiagnosticKind NotAnExpression = new("VIT007", "Declaration is not a single expression",
        "Experiment '{0}' must be declared as 'static Experiment {0} => expression;' (or '{{ get; }} = expression;') so it can be evaluated at build time");
    public static readonly DiagnosticKind InternalError = new("VIT008", "Internal error while evaluating a declaration",
        "Internal error in the ViTDsl generator while evaluating '{0}': {1}. This is a bug in ViTDsl, not in your code; please report it " +
        "with this declaration. The other declarations are generated as usual.");
    public static readonly DiagnosticKind DuplicateShortName = new("VIT009", "Two [Experiments] classes declare the same name",
        "'{0}' is declared by more than one [Experiments] class ({1}); the CLI accepts only the qualified names for it. Rename one to use the short name.",
        IsWarning: true);

    // Found by the Dsl's rules (ShapeRules, ScheduleRules, DataRules, LossSemantics, FineTuneRules, FewShotRules,
    // EvaluationRules, OptimizerRules, MemoryRules): the message is the problem's own.
    public static readonly DiagnosticKind NotPositive = new("VIT002", "A size is not positive", RuleMessage);
    public static readonly DiagnosticKind HeadsDoNotDivideWidth = new("VIT003", "Width is not divisible by heads", RuleMessage);
    public static readonly DiagnosticKind PatchDoesNotDivideImage = new("VIT004", "Image size is not a multiple of the patch size", RuleMessage);
    public static readonly DiagnosticKind NegativePhase = new("VIT201", "A schedule phase is negative or misordered", RuleMessage);
    public static readonly DiagnosticKind PhasesExceedRun = new("VIT202", "Warmup and cooldown exceed the run's steps", RuleMessage);
    public static readonly DiagnosticKind BadDecay = new("VIT203", "Invalid decay parameters", RuleMessage);
    public static readonly DiagnosticKind BadInfinite = new("VIT204", "Invalid infinite schedule", RuleMessage);
    public static readonly DiagnosticKind DataNotPositive = new("VIT211", "A data size is not positive", RuleMessage);
    public static readonly DiagnosticKind BadCrop = new("VIT212", "Invalid crop settings", RuleMessage);
    public static readonly DiagnosticKind BadPath = new("VIT213", "Invalid data-set path", RuleMessage);
    public static readonly DiagnosticKind BadClassSubset = new("VIT214", "Invalid class subset", RuleMessage);
    public static readonly DiagnosticKind BiasDisagreesWithLoss = new("VIT221", "Head bias disagrees with the loss", RuleMessage);
    public static readonly DiagnosticKind TrunkMismatch = new("VIT231", "A fine-tune changes the upstream trunk", RuleMessage);
    public static readonly DiagnosticKind BadFewShot = new("VIT241", "Invalid few-shot targets", RuleMessage);
    public static readonly DiagnosticKind BadEvaluations = new("VIT242", "Invalid periodic evaluations", RuleMessage);
    public static readonly DiagnosticKind BadLearningRate = new("VIT301", "Invalid learning rate", RuleMessage);
    public static readonly DiagnosticKind BadBeta = new("VIT302", "Invalid beta", RuleMessage);
    public static readonly DiagnosticKind BadEpsilon = new("VIT303", "Invalid epsilon", RuleMessage);
    public static readonly DiagnosticKind BadWeightDecay = new("VIT304", "Invalid weight decay", RuleMessage);
    public static readonly DiagnosticKind BadClipping = new("VIT305", "Invalid clipping", RuleMessage);
    public static readonly DiagnosticKind BadMomentum = new("VIT306", "Invalid momentum", RuleMessage);
    public static readonly DiagnosticKind BadFactoring = new("VIT307", "Invalid factoring settings", RuleMessage);
    public static readonly DiagnosticKind DoesNotFitDevice = new("VIT401", "Training does not fit the declared device", RuleMessage);
    public static readonly DiagnosticKind BadDevice = new("VIT402", "Invalid device or device count", RuleMessage);

    /// <summary>Every kind, in id order.</summary>
    public static IReadOnlyList<DiagnosticKind> All { get; } =
    [
        NotEvaluable, NotPositive, HeadsDoNotDivideWidth, PatchDoesNotDivideImage, ClassNotStaticPartial, EvaluationFailed,
        NotAnExpression, InternalError, DuplicateShortName, NegativePhase, PhasesExceedRun, BadDecay, BadInfinite,
        DataNotPositive, BadCrop, BadPath, BadClassSubset, BiasDisagreesWithLoss, TrunkMismatch, BadFewShot, BadEvaluations,
        BadLearningRate, BadBeta, BadEpsilon, BadWeightDecay, BadClipping, BadMomentum, BadFactoring, DoesNotFitDevice, BadDevice,
    ];
}
