namespace Factorizer.Pickle.Globals;

/// <summary>
/// <c>builtins.OSError</c> (and its aliases): like CPython, <c>OSError(errno, strerror)</c> becomes the
/// subclass for that errno, e.g. <c>OSError(2, '…')</c> is a <c>FileNotFoundError</c>. Protocol 2 pickles
/// depend on this, since Python 3 writes FileNotFoundError there as <c>exceptions.OSError</c>. Errno values
/// are Linux's (the peers this project talks to).
/// </summary>
internal sealed class OSErrorClass : PyExceptionClass
{
    private static readonly Dictionary<long, string> SubclassByErrno = new()
    {
        [1] = "PermissionError",            // EPERM
        [2] = "FileNotFoundError",          // ENOENT
        [3] = "ProcessLookupError",         // ESRCH
        [4] = "InterruptedError",           // EINTR
        [10] = "ChildProcessError",         // ECHILD
        [11] = "BlockingIOError",           // EAGAIN / EWOULDBLOCK
        [13] = "PermissionError",           // EACCES
        [17] = "FileExistsError",           // EEXIST
        [20] = "NotADirectoryError",        // ENOTDIR
        [21] = "IsADirectoryError",         // EISDIR
        [32] = "BrokenPipeError",           // EPIPE
        [103] = "ConnectionAbortedError",   // ECONNABORTED
        [104] = "ConnectionResetError",     // ECONNRESET
        [108] = "BrokenPipeError",          // ESHUTDOWN
        [110] = "TimeoutError",             // ETIMEDOUT
        [111] = "ConnectionRefusedError",   // ECONNREFUSED
        [114] = "BlockingIOError",          // EALREADY
        [115] = "BlockingIOError",          // EINPROGRESS
    };

    public OSErrorClass(string name) : base("builtins", name)
    {
    }

    // CPython maps only when OSError itself is called with 2 to 5 arguments, the first an errno.
    protected override string ClassNameFor(PyTuple args) =>
        args.Count is >= 2 and <= 5 && args[0] is long errno && SubclassByErrno.TryGetValue(errno, out string? name)
            ? name
            : "OSError";
}
