namespace Factorizer.Pickle;

/// <summary>How a pickle made a <see cref="PyObject"/>: which opcode called its global.</summary>
public enum PyObjectCall
{
    /// <summary>REDUCE: <c>global(*args)</c>.</summary>
    Reduce,

    /// <summary>NEWOBJ: <c>cls.__new__(cls, *args)</c>.</summary>
    NewObj,

    /// <summary>NEWOBJ_EX: <c>cls.__new__(cls, *args, **kwargs)</c> (written as NEWOBJ_EX, which CPython 3.4+ reads).</summary>
    NewObjEx,
}
