using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SelfTrain.Api;

/// <summary>
/// Settings bound from a configuration section and validated when the host starts (<c>ValidateOnStart</c>): a value
/// out of range stops start-up with every problem named, instead of failing the first request that reads it. The
/// bound value is also registered as itself, for the libraries that take it without <see cref="IOptions{T}"/>; the
/// first such value resolved (often while the host builds its hosted services, before <c>ValidateOnStart</c> runs)
/// checks every section at once, so one start-up reports all the problems, not only the first.
/// </summary>
public static class ValidatedOptions
{
    /// <param name="problems">The type's own checks, beyond its data annotations.</param>
    /// <param name="validated">Runs once with the validated value, when it is first resolved.</param>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<T, IReadOnlyList<string>>? problems = null, Action<T>? validated = null) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        if (problems is not null) services.AddSingleton<IValidateOptions<T>>(new ProblemsValidation<T>(section, problems));
        services.TryAddSingleton<EverySection>();
        services.AddSingleton<ValidatedSection>(new ValidatedSection<T>());
        services.AddSingleton(provider =>
        {
            provider.GetRequiredService<EverySection>().EnsureValid();
            var value = provider.GetRequiredService<IOptions<T>>().Value;
            validated?.Invoke(value);
            return value;
        });
        return services;
    }

    private abstract class ValidatedSection
    {
        public abstract OptionsValidationException? Check(IServiceProvider provider);
    }

    private sealed class ValidatedSection<T> : ValidatedSection where T : class
    {
        public override OptionsValidationException? Check(IServiceProvider provider)
        {
            try
            {
                _ = provider.GetRequiredService<IOptions<T>>().Value;
                return null;
            }
            catch (OptionsValidationException ex)
            {
                return ex;
            }
        }
    }

    private sealed class EverySection(IServiceProvider provider, IEnumerable<ValidatedSection> sections)
    {
        private readonly Lazy<Exception?> _failure = new(() =>
            sections.Select(section => section.Check(provider)).OfType<Exception>().ToList() switch
            {
                [] => null,
                [var one] => one,
                var many => new AggregateException("The configuration is invalid.", many),
            });

        public void EnsureValid()
        {
            if (_failure.Value is { } failure) throw failure;
        }
    }

    private sealed class ProblemsValidation<T>(string section, Func<T, IReadOnlyList<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options) is { Count: > 0 } found
                ? ValidateOptionsResult.Fail(found.Select(problem => $"Configuration section '{section}': {problem}."))
                : ValidateOptionsResult.Success;
    }
}
