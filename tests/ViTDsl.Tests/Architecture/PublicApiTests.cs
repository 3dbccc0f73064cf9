using System.Reflection;
using System.Text;

namespace ViTDsl.Tests.Architecture;

/// <summary>
/// The public surface of each shipped assembly, listed by reflection (every public type and its public and protected
/// members, one line each, sorted) and compared with the listing committed in Architecture/PublicApi. Growth is a
/// deliberate act: a new public type or member fails this test until its listing is updated.
/// </summary>
public class PublicApiTests
{
    public const string UpdateVariable = "VITDSL_UPDATE_PUBLIC_API";

    public static TheoryData<string> Assemblies => new()
    {
        "ViTDsl.Dsl", "ViTDsl.Runtime.Common", "ViTDsl.Runtime.Training", "ViTDsl.Runtime.Analysis", "ViTDsl.Runtime.Sweeps", "ViTDsl.Cli",
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_public_surface_is_the_committed_one(string assemblyName)
    {
        var listing = Listing(Assembly.Load(assemblyName));
        var file = Path.Combine(RepositoryRoot(), "tests", "ViTDsl.Tests", "Architecture", "PublicApi", assemblyName + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1") File.WriteAllText(file, listing);
        var committed = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : "";
        var added = Lines(listing).Except(Lines(committed)).ToList();
        var removed = Lines(committed).Except(Lines(listing)).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"The public surface of {assemblyName} differs from {Path.GetRelativePath(RepositoryRoot(), file)}:\n" +
            string.Join("\n", added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l)).Take(40)) +
            $"\nIf the change is deliberate, run the tests once with {UpdateVariable}=1 and commit the listing; if not, make the new members internal.");
    }

    [Fact]
    public void The_listing_names_public_members_and_not_internal_ones()
    {
        var lines = Lines(Listing(typeof(PublicApiTests).Assembly)).ToList();
        Assert.Contains("class ViTDsl.Tests.Architecture.PublicApiTests", lines);
        Assert.Contains("  method ViTDsl.Tests.Architecture.PublicApiTests.The_public_surface_is_the_committed_one(System.String): System.Void", lines);
        Assert.Contains("  field ViTDsl.Tests.Architecture.PublicApiTests.UpdateVariable: System.String", lines);
        Assert.DoesNotContain(lines, l => l.Contains(".Lines(") || l.Contains(".RepositoryRoot("));
    }

    /// <summary>One line per public type and per public or protected member, sorted by ordinal order.</summary>
    public static string Listing(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{Kind(type)} {Name(type)}");
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            lines.AddRange(type.GetMembers(all).Where(Visible).Select(m => "  " + Member(type, m)).Where(l => l.Length > 2).Distinct().Order(StringComparer.Ordinal));
        }
        return string.Join("\n", lines) + "\n";
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !(m is MethodInfo { IsSpecialName: true } && IsAccessor(m)),
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static bool IsAccessor(MethodBase m) => m.Name.StartsWith("get_") || m.Name.StartsWith("set_") || m.Name.StartsWith("add_") || m.Name.StartsWith("remove_");

    private static string Member(Type owner, MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor {Name(owner)}({Parameters(c)})",
        MethodInfo m => $"method {Name(owner)}.{m.Name}{Generic(m)}({Parameters(m)}): {Name(m.ReturnType)}",
        FieldInfo f => $"field {Name(owner)}.{f.Name}: {Name(f.FieldType)}",
        PropertyInfo p => $"property {Name(owner)}.{p.Name}: {Name(p.PropertyType)} {{{(p.GetMethod is { } g && (g.IsPublic || g.IsFamily) ? " get;" : "")}{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : "")} }}",
        EventInfo e => $"event {Name(owner)}.{e.Name}: {Name(e.EventHandlerType!)}",
        _ => "",
    };

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p => Name(p.ParameterType)));

    private static string Kind(Type t) =>
        t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : "class";

    private static string Name(Type t)
    {
        if (t.IsGenericParameter) return t.Name;
        if (t.IsArray) return Name(t.GetElementType()!) + "[]";
        if (t.IsByRef) return Name(t.GetElementType()!) + "&";
        var name = (t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : t.Namespace + "." + t.Name);
        if (!t.IsGenericType) return name;
        var own = t.GetGenericArguments().Skip(t.IsNested ? t.DeclaringType!.GetGenericArguments().Length : 0).ToList();
        var tick = name.IndexOf('`');
        return own.Count == 0 ? name : (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", own.Select(Name)) + ">";
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ViTDsl.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ViTDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
