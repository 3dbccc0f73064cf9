// Makes TorchSharp's libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
// The library needs GLIBCXX_3.4.32 only for std::ios_base_library_init(), which GCC 13 emits from <iostream> and
// which older runtimes do not need (their streams are initialised anyway). We (1) mark that version need weak so
// a missing version is not fatal and (2) rebind the one symbol to a harmless existing no-argument libc function.
// Runs at build time on the copy in the output folder only, and is idempotent.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class GlibcxxCompatPatch : Task
{
    const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlagWeak = 0x2;
    const string MissingVersion = "GLIBCXX_3.4.32";
    const string Replacement = "sched_yield";

    [Required] public string LibraryPath { get; set; } = "";
    public string SystemLibStdCxx { get; set; } = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    /// <summary>Patch whatever this machine's libstdc++ provides: for output that runs elsewhere (a publish folder, a
    /// .NET tool). Harmless where GCC 13's libstdc++ is present: &lt;iostream&gt; only references the symbol, as a
    /// version marker, and never calls it; that libstdc++ initialises its streams itself.</summary>
    public bool ForAnyMachine { get; set; }

    public override bool Execute()
    {
        if (!File.Exists(LibraryPath)) return true;
        if (!ForAnyMachine && (!File.Exists(SystemLibStdCxx) || Contains(File.ReadAllBytes(SystemLibStdCxx), MissingVersion)))
        {
            Log.LogMessage(MessageImportance.Low, $"libstdc++ provides {MissingVersion}; {LibraryPath} needs no patch.");
            return true;
        }
        try
        {
            var elf = File.ReadAllBytes(LibraryPath);
            int patched = Patch(elf);
            if (patched > 0)
            {
                var temp = LibraryPath + ".patching";
                File.WriteAllBytes(temp, elf);
                // A new file in place of the old one, never a write into it: the copy may be a hard link to the NuGet cache.
                File.Delete(LibraryPath);
                File.Move(temp, LibraryPath);
                Log.LogMessage(MessageImportance.High, $"Patched {LibraryPath}: {MissingVersion} made weak and its symbol rebound ({patched} edits).");
            }
            return true;
        }
        catch (Exception e)
        {
            Log.LogError($"Could not patch {LibraryPath} for this machine's libstdc++ ({e.Message}). " +
                         "Install libstdc++ from GCC 13 or newer (README: the build section says what this patch does).");
            return false;
        }
    }

    /// <returns>Number of changes made (0 when already patched).</returns>
    static int Patch(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        long verneedOff = -1, versymOff = -1, dynsymOff = -1, dynsymSize = 0, dynstrOff = -1; int verneedCount = 0;
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            uint type = U32(elf, h + 4);
            long offset = (long)U64(elf, h + 0x18), size = (long)U64(elf, h + 0x20);
            if (type == ShtGnuVerneed) { verneedOff = offset; verneedCount = (int)U32(elf, h + 0x2C); /* sh_info */ }
            else if (type == ShtGnuVersym) versymOff = offset;
            else if (type == ShtDynsym)
            {
                dynsymOff = offset; dynsymSize = size;
                dynstrOff = (long)U64(elf, shoff + (long)U32(elf, h + 0x28) * shentsize + 0x18);
            }
        }
        if (verneedOff < 0 || versymOff < 0 || dynsymOff < 0) throw new InvalidDataException("no symbol versioning sections");

        int changes = 0, versionIndex = -1;
        long need = verneedOff;
        for (int n = 0; n < verneedCount; n++)
        {
            long aux = need + U32(elf, need + 8);
            for (int a = 0; a < U16(elf, need + 2); a++)
            {
                if (CString(elf, dynstrOff + U32(elf, aux + 8)) == MissingVersion)
                {
                    versionIndex = U16(elf, aux + 6);
                    ushort flags = U16(elf, aux + 4);
                    if ((flags & VerFlagWeak) == 0) { W16(elf, aux + 4, (ushort)(flags | VerFlagWeak)); changes++; }
                }
                aux += U32(elf, aux + 12);
            }
            need += U32(elf, need + 12);
        }
        if (versionIndex < 0) return 0;

        for (long s = 0; s < dynsymSize / 24; s++)
        {
            long versym = versymOff + s * 2;
            if ((U16(elf, versym) & 0x7fff) != versionIndex) continue;
            long name = dynstrOff + U32(elf, dynsymOff + s * 24);
            string old = CString(elf, name);
            if (old.Length < Replacement.Length) throw new InvalidDataException($"symbol {old} too short to rebind");
            Encoding.ASCII.GetBytes(Replacement).CopyTo(elf, name);
            for (long k = name + Replacement.Length; k <= name + old.Length; k++) elf[k] = 0;
            W16(elf, versym, 1); // global, unversioned
            changes++;
        }
        return changes;
    }

    static bool Contains(byte[] haystack, string needle)
    {
        var n = Encoding.ASCII.GetBytes(needle);
        for (int i = 0; i + n.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < n.Length && haystack[i + j] == n[j]) j++;
            if (j == n.Length) return true;
        }
        return false;
    }

    static string CString(byte[] b, long at) { long e = at; while (b[e] != 0) e++; return Encoding.ASCII.GetString(b, (int)at, (int)(e - at)); }
    static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);
    static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);
    static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, (int)at);
    static void W16(byte[] b, long at, ushort v) => BitConverter.GetBytes(v).CopyTo(b, at);
}
