#!/usr/bin/env python3
"""End-to-end timing of the seed's workload, ours against the seed's Python programs, in one run.

Each configuration runs a server on 127.0.0.1 (free port), a client with 2 worker processes, and
times the client from its start to its exit (the work itself: every chunk drained and factored).
The one-command run (factor-server --procs 2) is timed whole, process starts included. GNU factor
on the same numbers is the single-process reference. Prints the median of --runs runs per row.

    python3 bench/seed_workload.py [--quick] [--json PATH] [--count 1000] [--runs 5]

--quick: one run per row, and only the rows the goal needs (ours in one command, ours as server +
client, the seed's Python pair). --json PATH writes the suite's rows (section "startup"; the goal,
at least 20x the seed's Python system, is on the one-command row). Needs the Release build
(dotnet build -c Release; the programs are ReadyToRun) and the seed ports under test/Python/.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, 'src/FactorServer/bin/Release/net10.0/factor-server')
CLIENT = os.path.join(ROOT, 'src/FactorClient/bin/Release/net10.0/factor-client')
PYDIR = os.path.join(ROOT, 'test/Python')
KEY = 'bench'
ENV = dict(os.environ, FACTOR_AUTHKEY=KEY)


def start_server(kind, count):
    """Starts a server on a free port; returns (process, port) once it listens."""
    if kind == 'ours':
        cmd = [SERVER, '--port', '0', '--count', str(count), '--progress-interval', '3600']
        marker = 'listening on'
    else:
        # The seed's make_nums(N) makes N + 1 numbers.
        cmd = [sys.executable, os.path.join(PYDIR, 'seed_server.py'), '--port', '0', '--authkey', KEY, '--count', str(count - 1)]
        marker = 'READY'
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if marker in line:
            port = int(line.split(':')[-1].split(';')[0]) if kind == 'ours' else int(line.split()[1])
            return proc, port
    proc.kill()
    raise RuntimeError('%s server did not start' % kind)


def run_client(kind, port):
    """Runs a client with 2 worker processes to the end; returns its wall time in seconds."""
    if kind == 'ours':
        cmd = [CLIENT, '--port', str(port), '--procs', '2']
    else:
        cmd = [sys.executable, os.path.join(PYDIR, 'seed_client.py'), '--port', str(port), '--authkey', KEY, '--procs', '2']
    start = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, timeout=600, check=True)
    return time.monotonic() - start


def pair(server_kind, client_kind, count):
    proc, port = start_server(server_kind, count)
    try:
        return run_client(client_kind, port)
    finally:
        proc.stderr.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def one_command(count):
    start = time.monotonic()
    subprocess.run([SERVER, '--port', '0', '--procs', '2', '--count', str(count)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, timeout=600, check=True)
    return time.monotonic() - start


def gnu_factor(count):
    numbers = ''.join('%d\n' % (999999999999 + 2 * i) for i in range(count))
    start = time.monotonic()
    subprocess.run(['factor'], input=numbers, stdout=subprocess.DEVNULL, text=True, check=True)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=1000, help='numbers (default 1000, the seed workload)')
    ap.add_argument('--runs', type=int)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--json')
    args = ap.parse_args()
    args.runs = args.runs or (1 if args.quick else 5)
    rows = [
        ('factor-server --procs 2 (one command, process starts included)', lambda: one_command(args.count)),
        ('factor-server + factor-client --procs 2', lambda: pair('ours', 'ours', args.count)),
        ('seed Python server + seed Python client (2 procs)', lambda: pair('python', 'python', args.count)),
        ('factor-server + seed Python client (2 procs)', lambda: pair('ours', 'python', args.count)),
        ('seed Python server + factor-client --procs 2', lambda: pair('python', 'ours', args.count)),
        ('GNU factor, one process (reference)', lambda: gnu_factor(args.count)),
    ]
    if args.quick:
        rows = rows[:3]
    print('%d numbers from 999999999999, median of %d runs (load: %s)' % (args.count, args.runs, os.getloadavg()[0]))
    times = {name: [] for name, _ in rows}
    for _ in range(args.runs):
        for name, fn in rows:  # every row once per round: the load hits them all alike
            times[name].append(fn())
    results = {name: statistics.median(t) for name, t in times.items()}
    base = results[rows[2][0]]
    print('%-66s %9s %12s %10s' % ('configuration', 'median s', 'numbers/s', 'vs seed'))
    for name, _ in rows:
        t = results[name]
        print('%-66s %9.3f %12.0f %9.2fx' % (name, t, args.count / t, base / t))
    if args.json:
        python = 'the seed\'s Python server + client %.2f s' % base
        suite = [{'section': 'startup', 'what': "seed's job (%d numbers, chunks of 43, 2 procs), %s" % (args.count, name),
                  'ours': '%.2f s' % results[name], 'reference': python, 'ratio': round(base / results[name], 2),
                  'goal': '>= 20x' if i == 0 else ''}
                 for i, (name, _) in enumerate(rows) if i != 2]
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(suite, f, indent=1)


if __name__ == '__main__':
    main()
