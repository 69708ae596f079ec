using System.Runtime.CompilerServices;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for a server-side iterator (CPython's <c>IteratorProxy</c>, typeid <c>Iterator</c>), as a
/// <c>#PROXY</c> reply makes one (a dict's <c>__iter__</c>). One round trip per item.
/// </summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class IteratorProxy<T> : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public IteratorProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>next(it)</c>: the next item, or <c>HasItem</c> false once the iterator is exhausted (<c>StopIteration</c>).</summary>
    public async Task<(bool HasItem, T Item)> TryNextAsync(CancellationToken cancellationToken = default)
    {
        object? item;
        try
        {
            item = await CallAsync("__next__", null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException e) when (e.Is("builtins.StopIteration"))
        {
            return (false, default!);
        }
        return (true, PyConvert.ToValue<T>(item));
    }

    /// <summary>The remaining items, one round trip each. A RuntimeError (the dict changed size meanwhile) surfaces as <see cref="RemoteException"/>.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await TryNextAsync(cancellationToken).ConfigureAwait(false) is (true, T item))
        {
            yield return item;
        }
    }
}
