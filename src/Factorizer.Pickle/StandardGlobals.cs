namespace Factorizer.Pickle;

/// <summary>Builds <see cref="PickleGlobals.Default"/>. To be written.</summary>
internal static class StandardGlobals
{
    public static PickleGlobals Create() => PickleGlobals.FromEntries(new Dictionary<(string, string), PyClass>());
}
