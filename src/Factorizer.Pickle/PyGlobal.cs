namespace Factorizer.Pickle;

/// <summary>
/// A reference to a whitelisted Python global (<c>module.name</c>), as GLOBAL/STACK_GLOBAL push it.
/// The reader only ever holds one of these to call its <see cref="PyClass"/>; it is a result value only
/// when the pickle is of the class itself (<c>pickle.dumps(ValueError)</c>). The writer writes it back as
/// GLOBAL.
/// </summary>
public sealed class PyGlobal : IEquatable<PyGlobal>
{
    /// <summary>A reference to <paramref name="module"/>.<paramref name="name"/>.</summary>
    public PyGlobal(string module, string name)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        Module = module;
        Name = name;
    }

    internal PyGlobal(string module, string name, PyClass pyClass) : this(module, name) => Class = pyClass;

    /// <summary>The module, e.g. <c>builtins</c>.</summary>
    public string Module { get; }

    /// <summary>The qualified name inside the module, e.g. <c>ValueError</c>.</summary>
    public string Name { get; }

    /// <summary>What the reader calls for REDUCE/NEWOBJ on this global (null when made by a caller).</summary>
    internal PyClass? Class { get; }

    public bool Equals(PyGlobal? other) => other is not null && Module == other.Module && Name == other.Name;

    public override bool Equals(object? obj) => obj is PyGlobal g && Equals(g);

    public override int GetHashCode() => HashCode.Combine(Module, Name);

    /// <summary><c>module.name</c>.</summary>
    public override string ToString() => $"{Module}.{Name}";
}
