using Factorizer.TestSupport;
using Factorizer.Managers.Durability;
using Factorizer.Work.Durability;

namespace Factorizer.Programs.Tests.Durability;

public class RunJournalTests
{
    private static readonly RunIdentity Identity = RunIdentity.Of("generated start=1 step=1 count=100", 10);

    private static RunJournal Open(TempDirectory dir, out ResumeState state, List<string>? warnings = null, RunIdentity? identity = null) =>
        RunJournal.Open(dir.File("data"), identity ?? Identity, FsyncPolicy.Interval, w => warnings?.Add(w), out state);

    private static string JournalPath(TempDirectory dir) => Path.Combine(dir.File("data"), "journal");

    [Fact]
    public void Open_NewDirectory_HasNoProgress()
    {
        using var dir = new TempDirectory();
        using RunJournal journal = Open(dir, out ResumeState state);
        Assert.False(state.HasProgress);
        Assert.True(journal.Size > 0); // the identity record
    }

    [Fact]
    public void Reopen_AfterDoneAndCheckpoint_ResumesWithPendingChunksAndFailures()
    {
        using var dir = new TempDirectory();
        using (RunJournal journal = Open(dir, out _))
        {
            journal.Done(0, 10, "a\n", []);
            journal.Done(2, 10, "c\n", ["GAVE UP 25: NumberTimeout: slow"]);
            journal.Done(1, 10, "b\n", ["FAILED 12: wrong"]);
            journal.Checkpoint(2, 2, 4);
            journal.Done(4, 10, "e\n", []);
        }

        using RunJournal again = Open(dir, out ResumeState state);

        Assert.Equal((2L, 2L, 4L), (state.ChunksWritten, state.LinesWritten, state.OutputBytes));
        Assert.Equal([2L, 4L], state.Pending.Keys.Order());
        Assert.Equal("c\n", state.Pending[2].Text);
        Assert.Equal(["FAILED 12: wrong"], state.Failures); // chunk 1 is written: its failure is carried
        Assert.Equal(["GAVE UP 25: NumberTimeout: slow"], state.Pending[2].Failures);
        Assert.False(state.Finished);
    }

    [Theory]
    [InlineData("torn")]
    [InlineData("corrupt")]
    [InlineData("garbage")]
    public void Reopen_DamagedTail_KeepsTheValidPrefixWithAWarning_AndGoesOn(string damage)
    {
        using var dir = new TempDirectory();
        long good;
        using (RunJournal journal = Open(dir, out _))
        {
            journal.Done(0, 10, "a\n", []);
            good = journal.Size;
            journal.Done(1, 10, "b\n", []);
        }
        string path = JournalPath(dir);
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "torn":
                File.WriteAllBytes(path, bytes[..^3]); // killed mid-write
                break;
            case "corrupt":
                bytes[^2] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            default:
                File.WriteAllBytes(path, [.. bytes, 0x13, 0x00, 0x00, 0x00, 0xde, 0xad]);
                good = bytes.Length;
                break;
        }
        var warnings = new List<string>();

        using (RunJournal journal = Open(dir, out ResumeState state, warnings))
        {
            Assert.Contains(warnings, w => w.Contains("journal:", StringComparison.Ordinal) && w.Contains($"byte {good}", StringComparison.Ordinal));
            Assert.Contains(0L, state.Pending.Keys);
            Assert.Equal(good, new FileInfo(path).Length); // the bad tail is cut off...
            journal.Done(5, 10, "f\n", []);                 // ...and appending goes on after the good records
        }
        using RunJournal third = Open(dir, out ResumeState after, warnings);
        Assert.Contains(5L, after.Pending.Keys);
    }

    [Fact]
    public void Open_AnotherRunsJournal_IsRefusedNamingTheDifference()
    {
        using var dir = new TempDirectory();
        using (Open(dir, out _))
        {
        }
        JournalException e = Assert.Throws<JournalException>(() => Open(dir, out _, identity: RunIdentity.Of("generated start=1 step=1 count=100", 11)));
        Assert.Contains("chunk-size", e.Message, StringComparison.Ordinal);
        Assert.Contains("'10'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'11'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DirectoryInUse_IsRefused()
    {
        using var dir = new TempDirectory();
        using RunJournal first = Open(dir, out _);
        JournalException e = Assert.Throws<JournalException>(() => Open(dir, out _));
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compact_KeepsWhatResumingNeeds_AndShrinksTheJournal()
    {
        using var dir = new TempDirectory();
        using (RunJournal journal = Open(dir, out _))
        {
            for (int i = 0; i < 200; i++)
            {
                journal.Done(i, 10, new string('x', 100) + "\n", i == 7 ? ["FAILED 77: wrong"] : []);
            }
            journal.Checkpoint(190, 190, 19190);
            long before = journal.Size;
            journal.Compact();
            Assert.True(journal.Size < before / 10, $"{journal.Size} bytes after, {before} before");
            journal.Done(200, 10, "last\n", []); // appends after the compacted records
        }

        using RunJournal again = Open(dir, out ResumeState state);
        Assert.Equal(190, state.ChunksWritten);
        Assert.Equal(Enumerable.Range(190, 11).Select(i => (long)i), state.Pending.Keys.Order());
        Assert.Equal(["FAILED 77: wrong"], state.Failures);
    }

    [Fact]
    public void Finished_IsRemembered()
    {
        using var dir = new TempDirectory();
        using (RunJournal journal = Open(dir, out _))
        {
            journal.Done(0, 10, "a\n", []);
            journal.Checkpoint(1, 1, 2);
            journal.Finished();
        }
        using RunJournal again = Open(dir, out ResumeState state);
        Assert.True(state.Finished);
        Assert.Equal(1, state.ChunksWritten);
    }

    [Fact]
    public void ResumableOutput_CutsTheFileBackToTheCheckpoint_AndRefusesAShorterOne()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.txt");
        File.WriteAllText(path, "1:\n2: 2\n3: 3\n4: 2 2\n");
        var state = new ResumeState { ChunksWritten = 2, LinesWritten = 2, OutputBytes = 8 };

        using (StreamWriter writer = ResumableOutput.Open(path, state))
        {
            writer.Write("3: 3\n");
        }

        Assert.Equal("1:\n2: 2\n3: 3\n", File.ReadAllText(path));
        File.WriteAllText(path, "1:\n");
        Assert.Throws<JournalException>(() => ResumableOutput.Open(path, state).Dispose());
    }
}
