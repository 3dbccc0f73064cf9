namespace ViTDsl;

/// <summary>
/// Something wrong with a declaration, found by the Dsl's own rules. The generator turns each into a build error
/// (<see cref="Id"/> is its stable diagnostic id) placed on the code that set <see cref="Member"/>.
/// </summary>
/// <param name="Id">The stable id of its kind in <see cref="DiagnosticKinds"/>, e.g. VIT003.</param>
/// <param name="Member">The record member at fault (e.g. "Heads"), used to point at the right code.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
internal sealed record Problem(string Id, string Member, string Message);
