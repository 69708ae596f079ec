#!/usr/bin/env python3
"""Inert payloads against plain values through a queue: CPython client -> server -> CPython client.

Usage: python3 bench/payload_roundtrip.py [--quick] [--json PATH] [--items N] [--runs R]
Builds nothing: run `dotnet build -c Release src/QueueManagerApp` first.

A producer process puts N items into one queue while a consumer process (forked, its own connection)
gets them; a pair is one put and its get. Two figures: the server's CPU time per pair (from /proc, steady
on a loaded machine; the ratios use it) and pairs per second of wall clock (N / time from the producer's
first put to the consumer's last get; bound by the Python clients as much as by the server). Payloads: a list of ten ints (plain: our server reads it as values), and
values our server keeps inert (a datetime, a Decimal, a dataclass of this script, a dict of all three).
Servers, alternated run by run so drift in the machine's load hits every side: ours (`queue-manager
--queue q`) and, as the reference, CPython's own BaseManager serving a queue.Queue, started from this
script so that it can import the dataclass (a CPython server must; ours never imports anything).
A warm-up pass over every payload and server comes first, untimed.
Prints a table of medians and writes the rows of the benchmark contract (section "payloads") to --json.
"""
import argparse
import dataclasses
import datetime
import decimal
import json
import multiprocessing
import os
import queue
import re
import secrets
import statistics
import subprocess
import sys
import time
from multiprocessing.managers import BaseManager

HERE = os.path.dirname(os.path.abspath(__file__))
QUEUE_MANAGER = os.path.join(HERE, '..', 'src', 'QueueManagerApp', 'bin', 'Release', 'net10.0', 'queue-manager.dll')


@dataclasses.dataclass
class Point:
    x: int
    y: int


PAYLOADS = {
    'list of 10 ints': lambda: list(range(999999999999, 999999999999 + 20, 2)),
    'datetime': lambda: datetime.datetime(2024, 2, 29, 12, 30, 15, 123456),
    'Decimal': lambda: decimal.Decimal('12345.6789'),
    'dataclass': lambda: Point(3, 4),
    'dict of all three': lambda: {'when': datetime.datetime(2024, 2, 29, 12, 30), 'amount': decimal.Decimal('1.50'), 'where': Point(1, 2)},
}
PLAIN = 'list of 10 ints'


class QueueClient(BaseManager):
    pass


QueueClient.register('q')


def connect(port, key):
    m = QueueClient(address=('127.0.0.1', port), authkey=key)
    m.connect()
    return m.q()


def consume(port, key, n, payload, go, done):
    q = connect(port, key)
    expected = PAYLOADS[payload]()
    q.qsize()  # the connection is open before the clock starts
    go.wait()
    last = None
    for _ in range(n):
        last = q.get(timeout=60)
    end = time.monotonic()
    done.send((end, last == expected))


def cpu_seconds(pid):
    """User + system CPU time of process pid so far (Linux /proc), in seconds."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def one_run(server_pid, port, key, n, payload):
    """(pairs per second, server CPU microseconds per pair) for n items of one payload kind."""
    ctx = multiprocessing.get_context('fork')
    go = ctx.Event()
    done_recv, done_send = ctx.Pipe(duplex=False)
    consumer = ctx.Process(target=consume, args=(port, key, n, payload, go, done_send))
    consumer.start()
    q = connect(port, key)
    item = PAYLOADS[payload]()
    q.qsize()
    cpu_before = cpu_seconds(server_pid)
    go.set()
    start = time.monotonic()
    for _ in range(n):
        q.put(item)
    if not done_recv.poll(120):
        consumer.kill()
        sys.exit('the consumer did not finish within 120 s')
    end, equal = done_recv.recv()
    cpu = cpu_seconds(server_pid) - cpu_before
    consumer.join(30)
    if not equal:
        sys.exit(f'{payload}: the consumer got a value not equal to the one put')
    return n / (end - start), cpu * 1e6 / n


def start_ours(key):
    env = dict(os.environ, FACTOR_AUTHKEY=key.decode())
    p = subprocess.Popen(['dotnet', QUEUE_MANAGER, '--bind', '127.0.0.1', '--port', '0', '--queue', 'q'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    for line in p.stderr:
        m = re.search(r'listening on [^ ]*:(\d+)', line)
        if m:
            return p, int(m.group(1))
    sys.exit('queue-manager did not start: ' + p.stderr.read())


def serve_cpython(key, ready):
    shared = queue.Queue()

    class QueueServer(BaseManager):
        pass

    QueueServer.register('q', callable=lambda: shared)
    server = QueueServer(address=('127.0.0.1', 0), authkey=key).get_server()
    ready.send(server.address[1])
    server.serve_forever()


def start_cpython(key):
    ctx = multiprocessing.get_context('fork')
    ready_recv, ready_send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=serve_cpython, args=(key, ready_send), daemon=True)
    p.start()
    if not ready_recv.poll(30):
        sys.exit('the CPython server did not start')
    return p, ready_recv.recv()


def rate(x):
    return f'{x / 1000:.1f}k/s' if x >= 1000 else f'{x:.0f}/s'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='a smoke run: 2000 items, 3 runs')
    ap.add_argument('--json', metavar='PATH', help='write the rows of the benchmark contract here')
    ap.add_argument('--items', type=int, help='items per run (default 20000, --quick 2000)')
    ap.add_argument('--runs', type=int, help='runs per payload and server (default 5, --quick 3)')
    a = ap.parse_args()
    n = a.items or (2000 if a.quick else 20000)
    runs = a.runs or (3 if a.quick else 5)
    if not os.path.exists(QUEUE_MANAGER):
        sys.exit(f'{QUEUE_MANAGER} not found: run `dotnet build -c Release src/QueueManagerApp` first')
    key = secrets.token_hex(16).encode()
    ours, ours_port = start_ours(key)
    cpython, cpython_port = start_cpython(key)
    servers = (('ours', ours.pid, ours_port), ('cpython', cpython.pid, cpython_port))
    rates = {(server, payload): [] for server, _, _ in servers for payload in PAYLOADS}
    costs = {k: [] for k in rates}
    try:
        # A warm-up pass, not timed: our server's JIT, and both servers' first connections.
        for payload in PAYLOADS:
            for _, pid, port in servers:
                one_run(pid, port, key, max(n // 4, 200), payload)
        for _ in range(runs):
            for payload in PAYLOADS:
                for server, pid, port in servers:
                    r, c = one_run(pid, port, key, n, payload)
                    rates[server, payload].append(r)
                    costs[server, payload].append(c)
    finally:
        ours.terminate()
        ours.wait(30)
        cpython.kill()
    med = {k: statistics.median(v) for k, v in rates.items()}
    cost = {k: statistics.median(v) for k, v in costs.items()}

    def fig(server, payload):
        return f'{cost[server, payload]:.1f} us CPU/pair, {rate(med[server, payload])}'

    print(f'CPython {sys.version.split()[0]} producer -> server -> consumer, {n} pairs per run, '
          f'median of {runs} runs, load {os.getloadavg()[0]:.2f}')
    print('us/pair: the server\'s CPU time per put+get (steady under load); pairs/s: wall clock (the clients bound it)')
    print(f'{"payload":<18} {"ours us/pair":>12} {"pairs/s":>8} {"plain/this":>10} {"CPython us/pair":>15} {"pairs/s":>8} {"CPython/ours":>12}')
    for payload in PAYLOADS:
        o, c = cost['ours', payload], cost['cpython', payload]
        print(f'{payload:<18} {o:>12.1f} {rate(med["ours", payload]):>8} {cost["ours", PLAIN] / o:>10.2f} '
              f'{c:>15.1f} {rate(med["cpython", payload]):>8} {c / o:>12.2f}')

    rows = []
    for payload in PAYLOADS:
        o, c = cost['ours', payload], cost['cpython', payload]
        if payload != PLAIN:
            rows.append({'section': 'payloads', 'what': f'{payload} (inert on ours) against a list of 10 ints, py -> ours -> py, server CPU per pair',
                         'ours': fig('ours', payload), 'reference': f'list of 10 ints: {fig("ours", PLAIN)}',
                         'ratio': round(cost['ours', PLAIN] / o, 2), 'goal': '>= 0.5 (inert at most twice the cost of plain)'})
        rows.append({'section': 'payloads', 'what': f'{payload}, py -> server -> py, server CPU per pair',
                     'ours': fig('ours', payload), 'reference': f'CPython BaseManager: {fig("cpython", payload)}',
                     'ratio': round(c / o, 2), 'goal': '>= 1x'})
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
