using System.Globalization;
using System.Text;

namespace Factorizer.Managers.Server;

/// <summary>
/// Owns the shared objects' idents and reference counts (docs/protocol.md §3.6), under one lock.
/// Invariant: an ident is present iff its count is ≥ 1; the same object keeps one ident while present;
/// at 0 the entry goes (the object itself lives on if its registration holds it).
/// </summary>
internal sealed class ObjectTable
{
    private sealed class Entry(ISharedObject obj, string typeId)
    {
        public ISharedObject Object { get; } = obj;
        public string TypeId { get; } = typeId;
        public int RefCount { get; set; }
        public bool Pinned { get; set; } // one of RefCount is a pin's, never dropped (see Pin)
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byIdent = new(StringComparer.Ordinal);
    private readonly Dictionary<ISharedObject, string> _identOf = new(ReferenceEqualityComparer.Instance);
    private long _nextIdent = 0x1000;

    /// <summary>Adds (or finds) <paramref name="obj"/> and counts one reference; returns its ident.</summary>
    public string AddReference(ISharedObject obj, string typeId)
    {
        lock (_gate)
        {
            if (!_identOf.TryGetValue(obj, out string? ident))
            {
                ident = (_nextIdent++).ToString("x", CultureInfo.InvariantCulture);
                _identOf[obj] = ident;
                _byIdent[ident] = new Entry(obj, typeId);
            }
            _byIdent[ident].RefCount++;
            return ident;
        }
    }

    /// <summary><c>incref</c>: false when the ident is unknown.</summary>
    public bool IncRef(string ident)
    {
        lock (_gate)
        {
            if (!_byIdent.TryGetValue(ident, out Entry? entry))
            {
                return false;
            }
            entry.RefCount++;
            return true;
        }
    }

    /// <summary>
    /// Keeps the object for good (a proxy to it was stored inside a shared object: <see cref="NestedProxies"/>): counts
    /// one reference that no <c>decref</c> drops, once per object. False when the ident is unknown or names an object
    /// of another typeid (a proxy of another manager, say).
    /// </summary>
    public bool Pin(string ident, string typeId)
    {
        lock (_gate)
        {
            if (!_byIdent.TryGetValue(ident, out Entry? entry) || entry.TypeId != typeId)
            {
                return false;
            }
            if (!entry.Pinned)
            {
                entry.Pinned = true;
                entry.RefCount++;
            }
            return true;
        }
    }

    /// <summary><c>decref</c>: false when the ident is unknown. Removes the entry at zero.</summary>
    public bool DecRef(string ident)
    {
        lock (_gate)
        {
            if (!_byIdent.TryGetValue(ident, out Entry? entry))
            {
                return false;
            }
            if (--entry.RefCount <= 0)
            {
                _byIdent.Remove(ident);
                _identOf.Remove(entry.Object);
            }
            return true;
        }
    }

    /// <summary>Finds a live object by ident.</summary>
    public bool TryGet(string ident, out ISharedObject obj)
    {
        lock (_gate)
        {
            if (_byIdent.TryGetValue(ident, out Entry? entry))
            {
                obj = entry.Object;
                return true;
            }
            obj = null!;
            return false;
        }
    }

    /// <summary><c>number_of_objects</c>.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byIdent.Count;
            }
        }
    }

    /// <summary>The count for <paramref name="ident"/>, or 0 when absent (for tests and debug output).</summary>
    public int RefCountOf(string ident)
    {
        lock (_gate)
        {
            return _byIdent.TryGetValue(ident, out Entry? e) ? e.RefCount : 0;
        }
    }

    /// <summary><c>debug_info</c>: one entry per object, CPython's layout.</summary>
    public string DebugInfo()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            foreach ((string ident, Entry e) in _byIdent.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (sb.Length > 0)
                {
                    sb.Append('\n');
                }
                string text = $"<{e.TypeId} {e.Object.GetType().Name}>";
                sb.Append(CultureInfo.InvariantCulture, $"  {ident}:       refcount={e.RefCount}\n    {text[..Math.Min(75, text.Length)]}");
            }
            return sb.ToString();
        }
    }
}
