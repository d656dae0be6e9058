using System.Diagnostics;

namespace SelfTrain.Testing;

/// <summary>
/// How tests wait for something asynchronous: poll a condition until it holds, and at the deadline fail naming what
/// was awaited and the last state seen. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <exception cref="TimeoutException"><paramref name="condition"/> did not hold within <paramref name="timeout"/>.</exception>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Not {what} within {timeout}. {state?.Invoke()}".TrimEnd());
            await Task.Delay(Interval);
        }
    }

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string, Func{string}?)"/>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? state = null) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what, state);
}
