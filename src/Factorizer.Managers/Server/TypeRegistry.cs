using System.Collections.Frozen;
using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>
/// Makes (or finds) the shared object for one <c>create(typeid, *args, **kwds)</c> call. Throw
/// <see cref="PythonErrorException"/> for bad arguments.
/// </summary>
public delegate ISharedObject SharedObjectFactory(PyTuple args, IReadOnlyDictionary<string, object?> kwargs);

/// <summary>The typeids a manager serves, each with its factory. Immutable once built.</summary>
public sealed class TypeRegistry
{
    private readonly FrozenDictionary<string, SharedObjectFactory> _factories;

    private TypeRegistry(FrozenDictionary<string, SharedObjectFactory> factories) => _factories = factories;

    /// <summary>Finds the factory for <paramref name="typeId"/>.</summary>
    public bool TryGet(string typeId, out SharedObjectFactory factory) => _factories.TryGetValue(typeId, out factory!);

    /// <summary>Collects registrations, then <see cref="Build"/>s an immutable registry.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, SharedObjectFactory> _factories = new(StringComparer.Ordinal);

        /// <summary>Registers <paramref name="typeId"/>; a second registration of the same name replaces the first.</summary>
        public Builder Add(string typeId, SharedObjectFactory factory)
        {
            ArgumentException.ThrowIfNullOrEmpty(typeId);
            ArgumentNullException.ThrowIfNull(factory);
            _factories[typeId] = factory;
            return this;
        }

        public TypeRegistry Build() => new(_factories.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
