using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version requirement (a Vernaux entry of .gnu.version_r) as weak (VER_FLG_WEAK) in ELF64
/// little-endian shared libraries, so the dynamic loader accepts a system library that lacks that version.
/// Only done when the system library really lacks it; idempotent; anything else about the file is unchanged.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;
    private static readonly string[] LibraryDirectories =
    [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    ];

    [Required] public ITaskItem[] Files { get; set; } = [];
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        var system = LibraryDirectories.Select(d => Path.Combine(d, SystemLibrary)).FirstOrDefault(File.Exists);
        if (system is null)
        {
            Log.LogMessage(MessageImportance.Low, $"{SystemLibrary} not found in the usual places; nothing to patch.");
            return true;
        }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{system} defines {VersionName}; nothing to patch.");
            return true;
        }
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            var bytes = File.ReadAllBytes(path);
            var result = Weaken(bytes, VersionName);
            if (result is null)
            {
                Log.LogError($"{path}: not an ELF64 little-endian file with a .gnu.version_r section.");
                return false;
            }
            if (result.Value)
            {
                File.WriteAllBytes(path, bytes);
                Log.LogMessage(MessageImportance.Normal, $"{path}: marked the {VersionName} requirement weak ({system} lacks it).");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <returns>true if a flag was changed, false if already weak or not required, null if the file is not usable ELF.</returns>
    private static bool? Weaken(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* little-endian */)
            return null;

        var sectionTable = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A), count = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + (long)i * entrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;

            var offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            var stringSection = sectionTable + (long)BitConverter.ToUInt32(elf, (int)header + 0x28) * entrySize;
            var strings = (long)BitConverter.ToUInt64(elf, (int)stringSection + 0x18);
            var needs = BitConverter.ToUInt32(elf, (int)header + 0x2C);

            var changed = false;
            for (uint n = 0; n < needs; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)offset + 2);
                var aux = offset + BitConverter.ToUInt32(elf, (int)offset + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    var flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (name == versionName && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                        changed = true;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                offset += BitConverter.ToUInt32(elf, (int)offset + 12);
            }
            return changed;
        }
        return null;
    }

    private static string ReadString(byte[] elf, long start)
    {
        var end = Array.IndexOf(elf, (byte)0, (int)start);
        return Encoding.ASCII.GetString(elf, (int)start, end - (int)start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        // Task factories compile against netstandard, which lacks span search: a plain scan, done once per build.
        for (var i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length;
             i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            var j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
