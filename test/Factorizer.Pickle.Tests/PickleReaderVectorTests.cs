using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

/// <summary>Every <c>pickle.dumps</c> vector, for every protocol, read to the value its repr names.</summary>
public sealed class PickleReaderVectorTests
{
    public static TheoryData<string> CaseIds() => PickleVectors.CaseIds();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Loads_Vector_GivesExpectedValue(string id)
    {
        PickleVector vector = PickleVectors.Get(id);
        if (vector.Name == "proxy_autoproxy")
        {
            // A pickled proxy calls RebuildProxy, a function that would run code: never on the whitelist, kept inert.
            var inert = Assert.IsType<PyObject>(PyPickle.Loads(vector.Bytes, TestGlobals.ManagerOptions));
            Assert.Equal(new PyGlobal("multiprocessing.managers", "RebuildProxy"), inert.Type);
            var strict = TestGlobals.ManagerOptions with { KeepInert = false };
            var e = Assert.ThrowsAny<UnpicklingException>(() => PyPickle.Loads(vector.Bytes, strict));
            Assert.Contains("'multiprocessing.managers.RebuildProxy'", e.Message, StringComparison.Ordinal);
            return;
        }

        object? value = PyPickle.Loads(vector.Bytes, TestGlobals.ManagerOptions);

        ValueAssert.Equal(PythonLiteral.Parse(vector.Python), value);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Loads_VectorWithDefaultWhitelist_RefusesOnlyManagerClasses(string id)
    {
        PickleVector vector = PickleVectors.Get(id);
        bool needsManagers = vector.Name is "token" or "remote_error" or "msg_proxy" or "proxy_autoproxy";

        if (needsManagers)
        {
            // Kept inert by default; refused under the whitelist-only rule.
            Assert.NotNull(PyPickle.Loads(vector.Bytes));
            var e = Assert.ThrowsAny<UnpicklingException>(() => PyPickle.Loads(vector.Bytes, PickleReadOptions.Default with { KeepInert = false }));
            Assert.Contains("'multiprocessing.managers.", e.Message, StringComparison.Ordinal);
            Assert.Contains("whitelist", e.Message, StringComparison.Ordinal);
        }
        else
        {
            PyPickle.Loads(vector.Bytes);
        }
    }

    [Theory]
    [InlineData("queue_empty/2", "_queue")]
    [InlineData("queue_empty/4", "_queue")]
    [InlineData("queue_full/2", "queue")]
    [InlineData("queue_full/default", "queue")]
    [InlineData("value_error/2", "builtins")]
    [InlineData("value_error/5", "builtins")]
    [InlineData("remote_error/4", "multiprocessing.managers")]
    public void Loads_ExceptionVector_KeepsModuleAsSentAfterPython2Mapping(string id, string module)
    {
        var e = Assert.IsType<PyException>(PyPickle.Loads(PickleVectors.Get(id).Bytes, TestGlobals.ManagerOptions));

        Assert.Equal(module, e.Module);
    }

    [Fact]
    public void Loads_ErrorEmptyMessage_IsQueueEmpty()
    {
        var reply = Assert.IsType<PyTuple>(PyPickle.Loads(PickleVectors.Get("msg_error_empty/default").Bytes));

        Assert.Equal("#ERROR", reply[0]);
        Assert.True(Assert.IsType<PyException>(reply[1]).IsQueueEmpty);
    }

    [Fact]
    public void Loads_Vectors_CoverEveryProtocolForEveryCase()
    {
        Assert.Equal(332, PickleVectors.Cases.Count);
        Assert.All(PickleVectors.Cases.GroupBy(c => c.Name), g => Assert.Equal(["2", "4", "5", "default"], g.Select(c => c.Protocol).Order()));
    }
}
