using System.Collections.Frozen;

namespace Factorizer.Pickle;

/// <summary>
/// Globals a pickle may not name even as an inert <see cref="PyObject"/>: those that exist to run code or
/// commands, touch files, processes or the interpreter (<c>os.system</c>, <c>builtins.eval</c>,
/// <c>subprocess</c>, <c>pickle.loads</c> …). The reader never calls them anyway; refusing them means a
/// server never relays the classic pickle exploits to a Python consumer, which would run them.
/// Matches a whole module and its submodules (<see cref="WithModule"/>) or one global (<see cref="WithGlobal"/>).
/// Immutable, so one instance can be shared freely.
/// </summary>
public sealed class PickleDenylist
{
    private readonly FrozenSet<string> _modules;
    private readonly FrozenSet<(string Module, string Name)> _globals;

    private PickleDenylist(FrozenSet<string> modules, FrozenSet<(string, string)> globals)
    {
        _modules = modules;
        _globals = globals;
    }

    /// <summary>Denies nothing (every global that is not whitelisted becomes inert).</summary>
    public static PickleDenylist Empty { get; } = new(FrozenSet<string>.Empty, FrozenSet<(string, string)>.Empty);

    /// <summary>
    /// The standard denylist. Whole modules: <c>os</c>, <c>posix</c>, <c>nt</c>, <c>subprocess</c>, <c>pty</c>,
    /// <c>sys</c>, <c>importlib</c>, <c>imp</c>, <c>pkgutil</c>, <c>zipimport</c>, <c>runpy</c>, <c>code</c>,
    /// <c>codeop</c>, <c>pickle</c>, <c>_pickle</c>, <c>pickletools</c>, <c>marshal</c>, <c>shelve</c>,
    /// <c>ctypes</c>, <c>_ctypes</c>, <c>cffi</c>, <c>shutil</c>, <c>socket</c>, <c>_socket</c>, <c>ssl</c>,
    /// <c>io</c>, <c>_io</c>, <c>tempfile</c>, <c>zipfile</c>, <c>tarfile</c>, <c>webbrowser</c>, <c>signal</c>,
    /// <c>_thread</c>, <c>threading</c>, <c>asyncio</c>, <c>gc</c>, <c>atexit</c>, <c>timeit</c>, <c>profile</c>,
    /// <c>cProfile</c>, <c>trace</c>, <c>pdb</c>, <c>bdb</c>, <c>doctest</c>, <c>idlelib</c>, <c>platform</c>,
    /// <c>commands</c>, <c>popen2</c>, <c>logging.config</c>, <c>multiprocessing.spawn</c>, <c>.popen_*</c>,
    /// <c>.forkserver</c>, <c>.reduction</c>, <c>.resource_sharer</c>, <c>.util</c>, <c>numpy.testing</c>.
    /// Single globals: in <c>builtins</c> (and Python 2's <c>__builtin__</c>) <c>eval</c>, <c>exec</c>,
    /// <c>execfile</c>, <c>compile</c>, <c>__import__</c>, <c>getattr</c>, <c>setattr</c>, <c>delattr</c>,
    /// <c>open</c>, <c>file</c>, <c>input</c>, <c>raw_input</c>, <c>breakpoint</c>, <c>globals</c>, <c>locals</c>,
    /// <c>vars</c>, <c>exit</c>, <c>quit</c>, <c>help</c>, <c>reload</c>, <c>apply</c>, <c>__build_class__</c>;
    /// <c>types.CodeType</c>, <c>FunctionType</c>, <c>LambdaType</c>, <c>MethodType</c>, <c>ModuleType</c>,
    /// <c>CellType</c>; <c>copyreg.pickle</c>, <c>constructor</c>, <c>add_extension</c>,
    /// <c>remove_extension</c>, <c>clear_extension_cache</c> (they change how the consumer unpickles).
    /// Allowed on purpose: <c>copyreg._reconstructor</c> (CPython's protocol 0/1 form of a user class),
    /// <c>functools.partial</c> (calling nothing when unpickled; the callable inside it is a global checked here too),
    /// and <c>operator</c>'s getters (the reader and writer never call a value, only globals).
    /// </summary>
    public static PickleDenylist Default { get; } = CreateDefault();

    /// <summary>Returns a denylist that also refuses <paramref name="module"/> and every submodule of it.</summary>
    public PickleDenylist WithModule(string module)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        return new PickleDenylist(_modules.Append(module).ToFrozenSet(StringComparer.Ordinal), _globals);
    }

    /// <summary>Returns a denylist that also refuses the one global <paramref name="module"/>.<paramref name="name"/>.</summary>
    public PickleDenylist WithGlobal(string module, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new PickleDenylist(_modules, _globals.Append((module, name)).ToFrozenSet());
    }

    /// <summary>True when <paramref name="module"/>.<paramref name="name"/> is refused.</summary>
    public bool IsDenied(string module, string name)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        if (_globals.Contains((module, name)))
        {
            return true;
        }
        // The module and each parent package: "os.path" is denied by "os".
        for (string m = module; ; m = m[..m.LastIndexOf('.')])
        {
            if (_modules.Contains(m))
            {
                return true;
            }
            if (!m.Contains('.', StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    private static PickleDenylist CreateDefault()
    {
        string[] modules =
        [
            "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "_posixsubprocess", "pty", "sys", "importlib", "imp",
            "pkgutil", "zipimport", "runpy", "code", "codeop", "pickle", "_pickle", "pickletools", "marshal", "shelve",
            "ctypes", "_ctypes", "cffi", "shutil", "socket", "_socket", "ssl", "io", "_io", "tempfile", "zipfile",
            "tarfile", "webbrowser", "signal", "_thread", "thread", "threading", "asyncio", "gc", "atexit", "timeit",
            "profile", "cProfile", "trace", "pdb", "bdb", "doctest", "idlelib", "platform", "commands", "popen2",
            "logging.config", "multiprocessing.spawn", "multiprocessing.popen_fork", "multiprocessing.popen_forkserver",
            "multiprocessing.popen_spawn_posix", "multiprocessing.popen_spawn_win32", "multiprocessing.forkserver",
            "multiprocessing.reduction", "multiprocessing.resource_sharer", "multiprocessing.util", "numpy.testing",
        ];
        string[] builtins =
        [
            "eval", "exec", "execfile", "compile", "__import__", "getattr", "setattr", "delattr", "open", "file", "input",
            "raw_input", "breakpoint", "globals", "locals", "vars", "exit", "quit", "help", "reload", "apply", "__build_class__",
        ];
        var globals = new List<(string, string)>();
        foreach (string name in builtins)
        {
            globals.Add(("builtins", name));
            globals.Add(("__builtin__", name));
        }
        foreach (string name in new[] { "CodeType", "FunctionType", "LambdaType", "MethodType", "ModuleType", "CellType" })
        {
            globals.Add(("types", name));
        }
        foreach (string name in new[] { "pickle", "constructor", "add_extension", "remove_extension", "clear_extension_cache" })
        {
            globals.Add(("copyreg", name));
            globals.Add(("copy_reg", name));
        }
        return new PickleDenylist(modules.ToFrozenSet(StringComparer.Ordinal), globals.ToFrozenSet());
    }
}
