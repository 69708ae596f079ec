#!/usr/bin/env python3
"""factor-server with and without --data-dir (each --fsync policy), alternating, medians.

Usage: python3 bench/journal_overhead.py [--count N] [--runs R] [--chunk-size C]
Builds nothing: run `dotnet build -c Release src/FactorServer` first. Prints one table: wall time,
numbers/s, the ratio to the run without a journal, and the journal's size at the end (compacted).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, '..', 'src', 'FactorServer', 'bin', 'Release', 'net10.0', 'factor-server.dll')


def run(count, chunk, policy, scratch):
    out = os.path.join(scratch, 'out.txt')
    data = os.path.join(scratch, 'data-%s' % policy)
    args = ['dotnet', SERVER, '--bind', '127.0.0.1', '--port', '0', '--authkey', 'bench', '--count', str(count),
            '--chunk-size', str(chunk), '--procs', '2', '--output', out, '--progress-interval', '60']
    if policy != 'none':
        subprocess.run(['rm', '-rf', data], check=True)
        args += ['--data-dir', data, '--fsync', policy]
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit('factor-server failed:\n' + done.stderr)
    size = os.path.getsize(os.path.join(data, 'journal')) if policy != 'none' else 0
    return seconds, size


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--count', type=int, default=1_000_000)
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--chunk-size', type=int, default=1000)
    a = p.parse_args()
    policies = ['none', 'never', 'interval', 'always']
    times = {k: [] for k in policies}
    sizes = {}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(a.runs):
            for policy in policies:  # alternating, so drift in the machine's load hits every side
                seconds, size = run(a.count, a.chunk_size, policy, scratch)
                times[policy].append(seconds)
                sizes[policy] = size
    base = statistics.median(times['none'])
    print(f'{a.count} numbers, --chunk-size {a.chunk_size}, --procs 2, {a.runs} runs each, load {os.getloadavg()[0]:.2f}')
    print(f'{"--data-dir":<22} {"median s":>9} {"numbers/s":>11} {"vs none":>8} {"journal bytes":>14}')
    for policy in policies:
        m = statistics.median(times[policy])
        label = 'none' if policy == 'none' else f'--fsync {policy}'
        print(f'{label:<22} {m:>9.2f} {a.count / m:>11,.0f} {m / base:>8.2f} {sizes[policy]:>14,}')


if __name__ == '__main__':
    main()
