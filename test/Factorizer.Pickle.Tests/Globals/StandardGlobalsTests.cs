using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests.Globals;

public sealed class StandardGlobalsTests
{
    [Theory]
    [InlineData("BaseException")]
    [InlineData("Exception")]
    [InlineData("ValueError")]
    [InlineData("ConnectionResetError")]
    [InlineData("ModuleNotFoundError")]
    [InlineData("ExceptionGroup")]
    [InlineData("PythonFinalizationError")]
    [InlineData("UserWarning")]
    [InlineData("KeyboardInterrupt")]
    [InlineData("StopAsyncIteration")]
    public void Default_BuiltinException_IsWhitelisted(string name)
    {
        Assert.True(PickleGlobals.Default.TryGet("builtins", name, out PyClass pyClass));
        Assert.Equal($"builtins.{name}", PyRepr.Of(Assert.IsType<PyException>(pyClass.Reduce(PyTuple.Empty))).Replace(": ", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("_queue", "Empty")]
    [InlineData("queue", "Empty")]
    [InlineData("queue", "Full")]
    [InlineData("queue", "ShutDown")]
    public void Default_QueueException_KeepsModuleAsSent(string module, string name)
    {
        Assert.True(PickleGlobals.Default.TryGet(module, name, out PyClass pyClass));
        var error = Assert.IsType<PyException>(pyClass.Reduce(PyTuple.Empty));
        Assert.Equal((module, name), (error.Module, error.Name));
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "getattr")]
    [InlineData("builtins", "object")]
    [InlineData("copyreg", "_reconstructor")]
    [InlineData("multiprocessing.managers", "Token")]
    public void Default_Other_IsNotWhitelisted(string module, string name)
    {
        Assert.False(PickleGlobals.Default.TryGet(module, name, out _));
    }

    [Fact]
    public void With_AddsEntryWithoutChangingOriginal()
    {
        PickleGlobals extended = PickleGlobals.Default.With("m", "C", new PyExceptionClass("m", "C"));

        Assert.True(extended.TryGet("m", "C", out _));
        Assert.False(PickleGlobals.Default.TryGet("m", "C", out _));
    }

    [Theory]
    [InlineData("2, 'x'", "FileNotFoundError")]
    [InlineData("104, 'reset'", "ConnectionResetError")]
    [InlineData("111, 'refused'", "ConnectionRefusedError")]
    [InlineData("13, 'denied', 'f'", "PermissionError")]
    [InlineData("'plain'", "OSError")]
    [InlineData("999, 'unknown'", "OSError")]
    public void OSError_WithErrno_BecomesCPythonSubclass(string args, string expected)
    {
        var tuple = Assert.IsType<PyTuple>(PythonLiteral.Parse($"({args},)"));
        foreach (string alias in new[] { "OSError", "IOError", "EnvironmentError" })
        {
            PickleGlobals.Default.TryGet("builtins", alias, out PyClass pyClass);
            Assert.Equal(expected, Assert.IsType<PyException>(pyClass.Reduce(tuple)).Name);
        }
    }

    [Fact]
    public void OSErrorSubclass_WithErrno_IsNotRemapped()
    {
        PickleGlobals.Default.TryGet("builtins", "TimeoutError", out PyClass pyClass);

        Assert.Equal("TimeoutError", Assert.IsType<PyException>(pyClass.Reduce(new PyTuple(2L, "x"))).Name);
    }

    [Theory]
    [InlineData("bytes", "()", "b''")]
    [InlineData("bytes", "(b'ab',)", "b'ab'")]
    [InlineData("bytearray", "(b'ab',)", "b'ab'")]
    [InlineData("bytearray", "([97, 98],)", "b'ab'")]
    [InlineData("bytearray", "('\\xff', 'latin-1')", "b'\\xff'")]
    [InlineData("set", "([1, 2],)", "{1, 2}")]
    [InlineData("set", "((1, 2),)", "{1, 2}")]
    [InlineData("frozenset", "([1],)", "frozenset({1})")]
    [InlineData("frozenset", "()", "frozenset()")]
    public void Builtins_Call_BuildsValue(string name, string args, string expected)
    {
        PickleGlobals.Default.TryGet("builtins", name, out PyClass pyClass);

        object? value = pyClass.Reduce(Assert.IsType<PyTuple>(PythonLiteral.Parse(args)));

        ValueAssert.Equal(PythonLiteral.Parse(expected), value);
    }

    [Theory]
    [InlineData("('\\x00\\xffab', 'latin1')", "b'\\x00\\xffab'")]
    [InlineData("('\\u00e9', 'utf-8')", "b'\\xc3\\xa9'")]
    [InlineData("('abc',)", "b'abc'")]
    public void CodecsEncode_Call_EncodesLikePython(string args, string expected)
    {
        PickleGlobals.Default.TryGet("_codecs", "encode", out PyClass pyClass);

        ValueAssert.Equal(PythonLiteral.Parse(expected), pyClass.Reduce(Assert.IsType<PyTuple>(PythonLiteral.Parse(args))));
    }

    [Theory]
    [InlineData("('x', 'rot13')")]
    [InlineData("(1, 'latin1')")]
    [InlineData("('\\u0100', 'latin1')")]
    public void CodecsEncode_Unsupported_Throws(string args)
    {
        PickleGlobals.Default.TryGet("_codecs", "encode", out PyClass pyClass);

        Assert.Throws<UnpicklingException>(() => pyClass.Reduce(Assert.IsType<PyTuple>(PythonLiteral.Parse(args))));
    }
}
