using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Reliability;

/// <summary>
/// The TorchSharp methods that make a <c>Scalar</c> of their own — the implicit conversions, <c>ToScalar</c>, and every
/// method whose IL calls one of these, directly or through other TorchSharp methods (e.g. <c>operator *(Tensor, double)</c>,
/// which is <c>left.mul(right)</c> with <c>right</c> converted). TorchSharp 0.107 passes such a Scalar's handle to native
/// code and keeps no reference to it, so the garbage collector may free it while libtorch still reads it. Found by reading
/// TorchSharp's IL, so a new TorchSharp version is checked as it is, not as it was when this list was written.
/// </summary>
internal static class TorchSharpScalarMakers
{
    private static readonly Lazy<HashSet<int>> Tokens = new(Find);

    /// <summary>Whether <paramref name="method"/> (a method of the TorchSharp assembly) makes a Scalar it does not own.</summary>
    public static bool Makes(Microsoft.CodeAnalysis.IMethodSymbol method)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        return definition.ContainingAssembly?.Name == typeof(Tensor).Assembly.GetName().Name && Tokens.Value.Contains(definition.MetadataToken);
    }

    /// <summary>How many TorchSharp methods make a Scalar (for the guard's own sanity check).</summary>
    public static int Count => Tokens.Value.Count;

    private static HashSet<int> Find()
    {
        using var pe = new PEReader(File.OpenRead(typeof(Tensor).Assembly.Location));
        var metadata = pe.GetMetadataReader();
        var makers = new HashSet<int>();
        var callers = new Dictionary<int, List<int>>();
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            var typeName = metadata.GetString(type.Name);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                var token = MetadataTokens.GetToken(methodHandle);
                if (IsSeed(typeName, metadata.GetString(method.Name), metadata, method)) makers.Add(token);
                if (method.RelativeVirtualAddress == 0) continue;
                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                foreach (var callee in CalledMethods(il, metadata))
                {
                    if (!callers.TryGetValue(callee, out var list)) callers[callee] = list = [];
                    list.Add(token);
                }
            }
        }
        var pending = new Queue<int>(makers);
        while (pending.TryDequeue(out var maker))
            foreach (var caller in callers.GetValueOrDefault(maker) ?? [])
                if (makers.Add(caller)) pending.Enqueue(caller);
        return makers;
    }

    /// <summary>The methods that create a Scalar from a .NET value or a tensor and hand it out.</summary>
    private static bool IsSeed(string typeName, string methodName, MetadataReader metadata, MethodDefinition method) =>
        (typeName == "Scalar" && methodName == "op_Implicit")
        || (typeName == "ScalarExtensionMethods" && methodName == "ToScalar")
        || (typeName == "Tensor" && methodName == "ToScalar" && method.GetParameters().Count == 0);

    /// <summary>The MethodDef tokens an IL body calls, loads (ldftn) or constructs, decoded instruction by instruction.</summary>
    private static IEnumerable<int> CalledMethods(BlobReader il, MetadataReader metadata)
    {
        while (il.RemainingBytes > 0)
        {
            int value = il.ReadByte();
            var code = value == 0xFE ? TwoByte[il.ReadByte()] : OneByte[value];
            switch (code.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch: il.Offset += 4 * il.ReadInt32(); break;
                case OperandType.InlineMethod:
                    var handle = MetadataTokens.EntityHandle(il.ReadInt32());
                    if (handle.Kind == HandleKind.MethodSpecification)
                        handle = metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
                    if (handle.Kind == HandleKind.MethodDefinition) yield return MetadataTokens.GetToken(handle);
                    break;
                default: il.Offset += 4; break;
            }
        }
    }

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static TorchSharpScalarMakers()
    {
        foreach (var field in typeof(OpCodes).GetFields())
            if (field.GetValue(null) is OpCode code)
            {
                var value = (ushort)code.Value;
                if (code.Size == 1) OneByte[value] = code;
                else TwoByte[value & 0xFF] = code;
            }
    }
}
