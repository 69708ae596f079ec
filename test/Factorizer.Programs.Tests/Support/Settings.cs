using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Factorizer.Programs.Tests.Support;

/// <summary>
/// The programs' internal settings records (FactorServer.ServerSettings, FactorClient.ClientSettings),
/// reached by reflection: the exe assemblies do not expose their internals to tests.
/// </summary>
internal sealed class Settings
{
    private readonly object _value;

    private Settings(object value) => _value = value;

    public const string ServerType = "FactorServer.ServerSettings, factor-server";
    public const string ClientType = "FactorClient.ClientSettings, factor-client";

    /// <summary>ServerSettings.Parse(args, environment); its exceptions are rethrown as they are.</summary>
    public static Settings Server(string[] args, IReadOnlyDictionary<string, string>? environment = null) => Parse(ServerType, args, environment);

    /// <summary>ClientSettings.Parse(args, environment).</summary>
    public static Settings Client(string[] args, IReadOnlyDictionary<string, string>? environment = null) => Parse(ClientType, args, environment);

    /// <summary>The Help constant of a settings type.</summary>
    public static string Help(string typeName) =>
        (string)Type.GetType(typeName, throwOnError: true)!.GetField("Help", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>A property of the parsed settings.</summary>
    public T Get<T>(string property) =>
        (T)(_value.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"no property {property}")).GetValue(_value)!;

    private static Settings Parse(string typeName, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        Type type = Type.GetType(typeName, throwOnError: true)!;
        MethodInfo parse = type.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static)!;
        Func<string, string?> lookup = name => environment is not null && environment.TryGetValue(name, out string? v) ? v : null;
        try
        {
            return new Settings(parse.Invoke(null, [args, lookup])!);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
