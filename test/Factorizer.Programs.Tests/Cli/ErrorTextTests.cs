using Factorizer.Managers.Client;
using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class ErrorTextTests
{
    [Fact]
    public void Describe_RemoteTextWithControls_IsOneSafeLine()
    {
        var e = new RemoteException("#ERROR", "builtins.Value\u001b[2JError", "bad\r\nthing \u009b31m", null);
        string line = ErrorText.Describe(e, "host\u0007:5000");
        Assert.Equal(@"the server at host\x07:5000 failed: builtins.Value\x1b[2JError: bad thing \xc2\x9b31m", line);
        Assert.DoesNotContain(line, c => c < 0x20 || c is >= '\u007f' and <= '\u009f');
    }

    [Fact]
    public void Describe_OtherException_MessageIsOneSafeLine()
    {
        string line = ErrorText.Describe(new InvalidOperationException("x\ny\u001bz"), "h:1");
        Assert.Equal(@"InvalidOperationException: x y\x1bz", line);
    }

    [Fact]
    public void FileProblem_NamesTheProblemWithoutThePath()
    {
        Assert.Equal("no such file", ErrorText.FileProblem(new FileNotFoundException("Could not find file '/x\u001b'")));
        Assert.Equal("no such directory", ErrorText.FileProblem(new DirectoryNotFoundException("/x\u001b/y")));
        Assert.Equal("permission denied", ErrorText.FileProblem(new UnauthorizedAccessException("/x")));
        Assert.Equal(@"disk \x1b full", ErrorText.FileProblem(new IOException("disk \u001b full")));
    }
}
