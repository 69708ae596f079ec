using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>
/// Keeps alive the objects of proxies that a request carries as values: <c>l.append(m.dict())</c>, or
/// <c>m.list([m.dict() for _ in range(2)])</c> from Python's documentation, where the caller's own proxies die at
/// once. CPython's server unpickles such a proxy in its own process and keeps the object for good
/// (<c>id_to_local_proxy_obj</c>); ours keeps the pickled proxy inert and instead pins its object (one reference
/// never dropped, the same lifetime), so whoever unpickles it later still finds it.
/// </summary>
internal static class NestedProxies
{
    private const int MaxDepth = 64; // deeper nesting is not walked (the reader's own limits hold the size)

    /// <summary>Pins every object of ours named by a pickled proxy in <paramref name="request"/>'s arguments.</summary>
    public static void Keep(byte[] frame, Request request, ObjectTable objects)
    {
        // Most requests carry no proxy: a scan of the bytes spares them the walk.
        if (frame.AsSpan().IndexOf("RebuildProxy"u8) < 0)
        {
            return;
        }
        Walk(request.Args, objects, 0);
        foreach (object? value in request.Kwargs.Values)
        {
            Walk(value, objects, 0);
        }
    }

    private static void Walk(object? value, ObjectTable objects, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (value)
        {
            case PyObject { Module: "multiprocessing.managers", Name: "RebuildProxy" } proxy when proxy.Args is [_, Token token, ..]:
                objects.Pin(token.Id, token.TypeId);
                break;
            case PyObject inert:
                Walk(inert.Args, objects, depth + 1);
                Walk(inert.State, objects, depth + 1);
                Walk(inert.ListItems, objects, depth + 1);
                Walk(inert.DictItems.Values, objects, depth + 1);
                break;
            case string or byte[]:
                break;
            case IDictionary<object, object?> dict:
                Walk(dict.Values, objects, depth + 1);
                break;
            case IEnumerable<object?> items:
                foreach (object? item in items)
                {
                    Walk(item, objects, depth + 1);
                }
                break;
        }
    }
}
