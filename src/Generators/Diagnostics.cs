using Microsoft.CodeAnalysis;

namespace ViTDsl.Generators;

/// <summary>Every diagnostic the generator reports. Ids are stable; messages say how to fix the problem.</summary>
internal static class Diagnostics
{
    private const string Category = "ViTDsl";

    public static readonly DiagnosticDescriptor NotEvaluable = new(
        "VIT001", "Declaration cannot be evaluated at compile time",
        "'{0}' cannot be evaluated at build time: {1}. Build declarations only from literals, constants, ViTDsl " +
        "vocabulary (records, presets, operators) and other declarations.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT001"));

    public static readonly DiagnosticDescriptor NotPositive = Rule("VIT002", "A size is not positive");
    public static readonly DiagnosticDescriptor HeadsDoNotDivideWidth = Rule("VIT003", "Width is not divisible by heads");
    public static readonly DiagnosticDescriptor PatchDoesNotDivideImage = Rule("VIT004", "Image size is not a multiple of the patch size");

    public static readonly DiagnosticDescriptor ClassNotStaticPartial = new(
        "VIT005", "Experiments class must be static partial and top-level",
        "Class '{0}' has [Experiments] but is not a top-level 'static partial' class; declare it as 'public static partial class {0}' " +
        "so the generator can add the generated models and plans to it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT005"));

    public static readonly DiagnosticDescriptor EvaluationFailed = new(
        "VIT006", "Declaration fails when evaluated",
        "Evaluating '{0}' failed: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT006"));

    public static readonly DiagnosticDescriptor NotAnExpression = new(
        "VIT007", "Declaration is not a single expression",
        "Experiment '{0}' must be declared as 'static Experiment {0} => expression;' (or '{{ get; }} = expression;') so it can be evaluated at build time",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT007"));

    public static readonly DiagnosticDescriptor InternalError = new(
        "VIT008", "Internal error while evaluating a declaration",
        "Internal error in the ViTDsl generator while evaluating '{0}': {1}. This is a bug in ViTDsl, not in your code; please report it " +
        "with this declaration. The other declarations are generated as usual.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT008"));

    public static readonly DiagnosticDescriptor DuplicateShortName = new(
        "VIT009", "Two [Experiments] classes declare the same name",
        "'{0}' is declared by more than one [Experiments] class ({1}); the CLI accepts only the qualified names for it. Rename one to use the short name.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink("VIT009"));

    // Training-recipe rules (src/Dsl: ScheduleRules, DataRules, LossSemantics, OptimizerRules).
    public static readonly DiagnosticDescriptor SchedulePhase = Rule("VIT201", "A schedule phase is negative or misordered");
    public static readonly DiagnosticDescriptor PhasesExceedRun = Rule("VIT202", "Warmup and cooldown exceed the run's steps");
    public static readonly DiagnosticDescriptor BadDecay = Rule("VIT203", "Invalid decay parameters");
    public static readonly DiagnosticDescriptor BadInfinite = Rule("VIT204", "Invalid infinite schedule");
    public static readonly DiagnosticDescriptor DataNotPositive = Rule("VIT211", "A data size is not positive");
    public static readonly DiagnosticDescriptor BadCrop = Rule("VIT212", "Invalid crop settings");
    public static readonly DiagnosticDescriptor BadPath = Rule("VIT213", "Invalid data-set path");
    public static readonly DiagnosticDescriptor BiasDisagreesWithLoss = Rule("VIT221", "Head bias disagrees with the loss");
    public static readonly DiagnosticDescriptor FineTuneTrunkMismatch = Rule("VIT231", "A fine-tune changes the upstream trunk");
    public static readonly DiagnosticDescriptor BadFewShot = Rule("VIT241", "Invalid few-shot targets");
    public static readonly DiagnosticDescriptor BadEvaluations = Rule("VIT242", "Invalid periodic evaluations");
    public static readonly DiagnosticDescriptor BadLearningRate = Rule("VIT301", "Invalid learning rate");
    public static readonly DiagnosticDescriptor BadBeta = Rule("VIT302", "Invalid beta");
    public static readonly DiagnosticDescriptor BadEpsilon = Rule("VIT303", "Invalid epsilon");
    public static readonly DiagnosticDescriptor BadWeightDecay = Rule("VIT304", "Invalid weight decay");
    public static readonly DiagnosticDescriptor BadClipping = Rule("VIT305", "Invalid clipping");
    public static readonly DiagnosticDescriptor BadMomentum = Rule("VIT306", "Invalid momentum");
    public static readonly DiagnosticDescriptor BadFactoring = Rule("VIT307", "Invalid factoring settings");
    public static readonly DiagnosticDescriptor DoesNotFitDevice = Rule("VIT401", "Training does not fit the declared device");
    public static readonly DiagnosticDescriptor BadDevice = Rule("VIT402", "Invalid device or device count");

    private static readonly DiagnosticDescriptor[] Rules =
    [
        NotPositive, HeadsDoNotDivideWidth, PatchDoesNotDivideImage, SchedulePhase, PhasesExceedRun, BadDecay, BadInfinite,
        DataNotPositive, BadCrop, BadPath, BiasDisagreesWithLoss, FineTuneTrunkMismatch, BadFewShot, BadEvaluations, BadLearningRate, BadBeta, BadEpsilon, BadWeightDecay,
        BadClipping, BadMomentum, BadFactoring, DoesNotFitDevice, BadDevice,
    ];

    /// <summary>The descriptor of any diagnostic by its id.</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "VIT001" => NotEvaluable,
        "VIT005" => ClassNotStaticPartial,
        "VIT006" => EvaluationFailed,
        "VIT007" => NotAnExpression,
        "VIT008" => InternalError,
        "VIT009" => DuplicateShortName,
        _ => ForRule(id),
    };

    /// <summary>The descriptor for a problem found by the Dsl's own rules, by its id.</summary>
    public static DiagnosticDescriptor ForRule(string id) =>
        System.Linq.Enumerable.FirstOrDefault(Rules, d => d.Id == id)
        ?? new DiagnosticDescriptor(id, "Invalid declaration", "{0}", Category, DiagnosticSeverity.Error, true, helpLinkUri: DiagnosticsDocs.HelpLink(id));

    private static DiagnosticDescriptor Rule(string id, string title) =>
        new(id, title, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink(id));
}
