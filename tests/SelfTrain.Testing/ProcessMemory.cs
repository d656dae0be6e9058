namespace SelfTrain.Testing;

/// <summary>Reads a process's resident memory from /proc (Linux), as a memory-bound test or benchmark samples it.</summary>
public static class ProcessMemory
{
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS line.");
    }
}
