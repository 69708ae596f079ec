using System.Diagnostics;
using System.Net;

namespace Factorizer.Work.Serving;

/// <summary>Settings of one factor-server run (parsed from the command line by the program).</summary>
public sealed record FactorRunOptions
{
    /// <summary>Address to listen on.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Any;

    /// <summary>Port to listen on (0: any free port; the chosen one is logged).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>The shared secret as text (clients pass the same with --authkey).</summary>
    public required string AuthKey { get; init; }

    /// <summary>Numbers per chunk (the seed's 43).</summary>
    public int ChunkSize { get; init; } = 43;

    /// <summary>The job queue is topped up when it falls to this many chunks…</summary>
    public int LowWatermark { get; init; } = 64;

    /// <summary>…up to this many chunks.</summary>
    public int HighWatermark { get; init; } = 256;

    /// <summary>Local worker processes to start (0: none).</summary>
    public int Procs { get; init; }

    /// <summary>Start info of local worker <c>i</c> given the bound port; required when <see cref="Procs"/> &gt; 0.</summary>
    public Func<int, int, ProcessStartInfo>? DescribeLocalWorker { get; init; }

    /// <summary>Interval of plain progress lines when stderr is not a terminal.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether stderr is a terminal (progress is then one line rewritten in place).</summary>
    public bool ProgressOnTerminal { get; init; }

    /// <summary>The clock for rates, leases and waits (a fake one in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the in-place progress line is drawn when <see cref="ProgressOnTerminal"/> (stderr in the program).</summary>
    public TextWriter Terminal { get; init; } = Console.Error;

    /// <summary>Time-to-run of a reserved chunk: a worker that neither reports nor touches its lease for this long loses it.</summary>
    public TimeSpan TimeToRun { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A chunk taken with a plain get (the seed's Python workers) is handed out again after this long.</summary>
    public TimeSpan GetTimeToRun { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>
    /// Seconds of work after which a number is given up (left out of the output, named, exit 1);
    /// null for no limit, like GNU factor. Workers stop computing it; the server sums the time over
    /// attempts lost to crashes and stops.
    /// </summary>
    public TimeSpan? NumberTimeout { get; init; }

    /// <summary>The journal of a durable run (<c>--data-dir</c>), or null. The output must then be a file.</summary>
    public Durability.RunJournal? Journal { get; init; }

    /// <summary>What the journal says an earlier run got done (resumed from), or null.</summary>
    public Durability.ResumeState? Resume { get; init; }

    /// <summary>How the journal and output are forced to disk (see <see cref="Factorizer.Managers.Durability.FsyncPolicy"/>).</summary>
    public Factorizer.Managers.Durability.FsyncPolicy Fsync { get; init; } = Factorizer.Managers.Durability.FsyncPolicy.Interval;

    /// <summary>How often finished lines are flushed to the output and overdue chunks are checked.</summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait, once done, for workers to see it and disconnect before stopping.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
