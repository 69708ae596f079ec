using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>
/// Thrown by a shared object to answer a call with a Python exception (<c>#ERROR</c>), which a
/// Python client re-raises as that exception.
/// </summary>
public sealed class PythonErrorException : Exception
{
    public PythonErrorException() : this(PyException.Builtin("RuntimeError", "error")) { }

    public PythonErrorException(string message) : this(PyException.Builtin("RuntimeError", message)) { }

    public PythonErrorException(string message, Exception inner) : base(message, inner) => Error = PyException.Builtin("RuntimeError", message);

    public PythonErrorException(PyException error) : base(error?.ToString()) => Error = error ?? throw new ArgumentNullException(nameof(error));

    /// <summary>The exception sent to the caller.</summary>
    public PyException Error { get; }

    public static PythonErrorException TypeError(string message) => new(PyException.Builtin("TypeError", message));

    public static PythonErrorException ValueError(string message) => new(PyException.Builtin("ValueError", message));
}
