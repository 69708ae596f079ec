namespace Factorizer.Pickle;

/// <summary>
/// A C# object that pickles as a Python class instance (a Token, an exception): the writer asks it for
/// its <see cref="PyReduction"/>, the same shape as Python's <c>__reduce__</c>.
/// </summary>
public interface IPyReducible
{
    /// <summary>How to write this object: which global, with which arguments and state.</summary>
    PyReduction ToReduction();
}

/// <summary>
/// The pickled form of a class instance: <c>GLOBAL module name</c>, then either <c>args REDUCE</c>
/// (<paramref name="UseNewObj"/> false) or <c>args NEWOBJ</c>, then <c>state BUILD</c> when
/// <paramref name="State"/> is not null.
/// </summary>
public sealed record PyReduction(string Module, string Name, PyTuple Args, bool UseNewObj, object? State);
