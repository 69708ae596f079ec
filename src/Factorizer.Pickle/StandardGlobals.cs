using Factorizer.Pickle.Globals;

namespace Factorizer.Pickle;

/// <summary>
/// Builds <see cref="PickleGlobals.Default"/>: every builtin exception class of CPython 3.6–3.14, the queue
/// exceptions, and the builtins that protocols 2–4 call to make sets and bytes. Nothing that can run code.
/// </summary>
internal static class StandardGlobals
{
    // Every class in builtins that derives from BaseException, over all 3.x versions peers may run.
    private static readonly string[] BuiltinExceptions =
    [
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
        "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
        "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
        "DeprecationWarning", "EOFError", "EncodingWarning", "Exception", "ExceptionGroup", "FileExistsError",
        "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "ImportError",
        "ImportWarning", "IndentationError", "IndexError", "InterruptedError", "IsADirectoryError", "KeyError",
        "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
        "NotADirectoryError", "NotImplementedError", "OverflowError", "PendingDeprecationWarning",
        "PermissionError", "ProcessLookupError", "PythonFinalizationError", "RecursionError", "ReferenceError",
        "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration",
        "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError", "TypeError",
        "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError",
        "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError", "Warning", "ZeroDivisionError",
        "_IncompleteInputError",
    ];

    public static PickleGlobals Create()
    {
        var classes = new Dictionary<(string, string), PyClass>();
        foreach (string name in BuiltinExceptions)
        {
            classes[("builtins", name)] = new PyExceptionClass("builtins", name);
        }
        // IOError and EnvironmentError are OSError itself; Python 2 pickles name them.
        foreach (string name in new[] { "OSError", "IOError", "EnvironmentError" })
        {
            classes[("builtins", name)] = new OSErrorClass(name);
        }
        // Keep the module as sent: CPython 3.7+ sends queue.Empty as _queue.Empty, 3.6 as queue.Empty.
        foreach ((string module, string name) in new[] { ("_queue", "Empty"), ("queue", "Empty"), ("queue", "Full"), ("queue", "ShutDown") })
        {
            classes[(module, name)] = new PyExceptionClass(module, name);
        }
        classes[("builtins", "set")] = new SetClass(frozen: false);
        classes[("builtins", "frozenset")] = new SetClass(frozen: true);
        classes[("builtins", "bytes")] = new BytesClass(byteArray: false);
        classes[("builtins", "bytearray")] = new BytesClass(byteArray: true);
        classes[("_codecs", "encode")] = new CodecsEncodeClass();
        classes[("builtins", "complex")] = new ComplexClass();
        return PickleGlobals.FromEntries(classes);
    }
}
