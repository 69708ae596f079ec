using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class VersionTextTests
{
    [Fact]
    public void Of_NamesTheProgramAndTheAssemblysVersion_WithoutTheSourceRevision()
    {
        // Directory.Build.props sets one version for every project.
        Assert.Equal("factor-client 0.3.0", VersionText.Of("factor-client", typeof(VersionText).Assembly));
    }
}
