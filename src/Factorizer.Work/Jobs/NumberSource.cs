using System.Numerics;

namespace Factorizer.Work.Jobs;

/// <summary>
/// The numbers of a run, validated before any work is queued: <see cref="Count"/> is known up front
/// and <see cref="Read"/> streams them (as <c>long</c>, or <c>BigInteger</c> beyond 2^63 - 1).
/// </summary>
public abstract class NumberSource : IDisposable
{
    /// <summary>How many numbers the run has.</summary>
    public abstract long Count { get; }

    /// <summary>Streams the numbers in input order.</summary>
    public abstract IEnumerable<object> Read();

    /// <summary>
    /// What identifies this input, for a journal to refuse resuming a run over other numbers: the
    /// generator's parameters, or the SHA-256 of the file's bytes (computed on first use).
    /// </summary>
    public abstract string Fingerprint { get; }

    /// <summary>The seed's generator: <paramref name="count"/> numbers from <paramref name="start"/> by <paramref name="step"/>.</summary>
    public static NumberSource Generate(BigInteger start, BigInteger step, long count) => new GeneratedNumbers(start, step, count);

    /// <summary>
    /// Numbers from a file, or standard input for <c>-</c> (spooled to a temporary file so it can be
    /// validated first and then streamed, with bounded memory). Throws <see cref="InvalidInputException"/>.
    /// </summary>
    public static NumberSource FromFile(string path) => FileNumbers.Open(path);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }

    // (object) keeps a long a long: without it the conditional's type is BigInteger and every value is boxed as one.
    internal static object Normalize(BigInteger value) => value <= long.MaxValue ? (object)(long)value : value;

    private sealed class GeneratedNumbers : NumberSource
    {
        private readonly BigInteger _start;
        private readonly BigInteger _step;

        public GeneratedNumbers(BigInteger start, BigInteger step, long count)
        {
            if (start.Sign < 0 || count < 0 || (count > 0 && start + step * (count - 1) < 0))
            {
                throw new Cli.UsageException("--start, --step and --count must give non-negative numbers");
            }
            _start = start;
            _step = step;
            Count = count;
        }

        public override long Count { get; }

        public override string Fingerprint => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"generated start={_start} step={_step} count={Count}");

        public override IEnumerable<object> Read()
        {
            if (Count > 0 && _start + (_step * (Count - 1)) is var last && last <= long.MaxValue && _start <= long.MaxValue && _step >= long.MinValue && _step <= long.MaxValue)
            {
                // Every number fits in a long (the usual case): no BigInteger arithmetic per number.
                long small = (long)_start, step = (long)_step;
                for (long i = 0; i < Count; i++, small += step)
                {
                    yield return small;
                }
                yield break;
            }
            BigInteger n = _start;
            for (long i = 0; i < Count; i++, n += _step)
            {
                yield return Normalize(n);
            }
        }
    }

    private sealed class FileNumbers : NumberSource
    {
        private readonly string _path;
        private readonly bool _temporary;
        private string? _fingerprint;

        private FileNumbers(string path, bool temporary, long count)
        {
            _path = path;
            _temporary = temporary;
            Count = count;
        }

        public override long Count { get; }

        public override string Fingerprint
        {
            get
            {
                if (_fingerprint is null)
                {
                    using FileStream file = OpenRead(_path);
                    _fingerprint = "sha256 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
                }
                return _fingerprint;
            }
        }

        public static FileNumbers Open(string path)
        {
            if (path != "-")
            {
                using FileStream file = OpenRead(path);
                return new FileNumbers(path, false, CountValid(file));
            }
            string spool = Path.Combine(Path.GetTempPath(), $"factor-server-stdin-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
            try
            {
                using (FileStream copy = File.Create(spool))
                {
                    Console.OpenStandardInput().CopyTo(copy);
                }
                using FileStream file = OpenRead(spool);
                return new FileNumbers(spool, true, CountValid(file));
            }
            catch
            {
                File.Delete(spool);
                throw;
            }
        }

        public override IEnumerable<object> Read()
        {
            using FileStream file = OpenRead(_path);
            var reader = new InputNumberReader(file);
            while (reader.TryRead(out object number))
            {
                yield return number;
            }
        }

        private static long CountValid(Stream stream)
        {
            var reader = new InputNumberReader(stream);
            long count = 0;
            while (reader.TryRead(out _))
            {
                count++;
            }
            return count;
        }

        private static FileStream OpenRead(string path)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Cli.UsageException($"cannot read --input {Cli.DisplayText.QuotePath(path)}: {Cli.ErrorText.FileProblem(e)}", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (_temporary)
            {
                File.Delete(_path);
            }
        }
    }
}
