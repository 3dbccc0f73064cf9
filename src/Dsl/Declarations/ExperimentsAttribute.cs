using System;

namespace ViTDsl;

/// <summary>
/// Marks a <c>static partial</c> class whose static <see cref="Experiment"/> properties are experiment declarations.
/// At build time the ViTDsl generator evaluates each one and emits a typed model (<c>NameModel</c>) and a plan of
/// compile-time facts (<c>NamePlan</c>) beside it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExperimentsAttribute : Attribute;
