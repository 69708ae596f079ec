"""CPython's side of the wire benchmark (bench/Factorizer.WireBench): a manager server with one queue,
or clients doing put+get round trips through a queue proxy. Benchmark only.

  python3 wire_peer.py server --authkey KEY            # prints "READY <port>" on stdout, serves until killed
  python3 wire_peer.py client --port P --authkey KEY --seconds S [--procs N] [--typeid get_q]
      # N processes, each its own proxy; prints one JSON line {"pairs": total, "rate": pairs/s, "client_cpu_us": ...}
  python3 wire_peer.py fill --authkey - --count N --chunk K
      # N chunks of K ints in a queue.Queue; prints {"bytes_per_chunk": RSS growth / N}
"""
import argparse
import json
import multiprocessing
import pickle
import queue
import sys
import time
from multiprocessing.managers import BaseManager

ITEM = [1, 2, 3]


class QueueManager(BaseManager):
    pass


def serve(args):
    q = queue.Queue()
    QueueManager.register(args.typeid, callable=lambda: q)
    manager = QueueManager(address=('127.0.0.1', 0), authkey=args.authkey.encode())
    server = manager.get_server()
    print('READY %d' % server.address[1], flush=True)
    server.serve_forever()


def client_loop(port, authkey, typeid, seconds, start, results):
    QueueManager.register(typeid)
    manager = QueueManager(address=('127.0.0.1', port), authkey=authkey.encode())
    manager.connect()
    q = getattr(manager, typeid)()
    for _ in range(200):  # warm up: the proxy's connection, the server's caches
        q.put(ITEM)
        q.get()
    start.wait()
    pairs = 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while True:
        for _ in range(50):
            q.put(ITEM)
            q.get()
        pairs += 50
        now = time.perf_counter()
        if now >= deadline:
            break
    results.put((pairs, now - t0, time.process_time() - c0))


def clients(args):
    ctx = multiprocessing.get_context('fork')
    start = ctx.Barrier(args.procs + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=client_loop, args=(args.port, args.authkey, args.typeid, args.seconds, start, results))
             for _ in range(args.procs)]
    for p in procs:
        p.start()
    start.wait()
    got = [results.get() for _ in procs]
    for p in procs:
        p.join()
    # Every client ran for its own measured time; the rate is the sum of the rates.
    rate = sum(pairs / secs for pairs, secs, _ in got)
    # The clients' own CPU per pair: what a server that cost nothing would leave as the floor.
    cpu_us = 1e6 * sum(cpu for _, _, cpu in got) / sum(pairs for pairs, _, _ in got)
    print(json.dumps({"pairs": sum(pairs for pairs, _, _ in got), "rate": rate, "client_cpu_us": cpu_us}), flush=True)


def fill(args):
    """What a queue of many chunks costs CPython: each chunk unpickled (as the manager server does) and queued."""
    def rss():
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) * 1024
    q = queue.Queue()
    before = rss()
    for i in range(args.count):
        first = 999999999999 + 2 * args.chunk * i
        q.put(pickle.loads(pickle.dumps([first + 2 * j for j in range(args.chunk)])))
    print(json.dumps({"bytes_per_chunk": (rss() - before) / args.count}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('mode', choices=['server', 'client', 'fill'])
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--authkey', required=True)
    parser.add_argument('--typeid', default='get_q')
    parser.add_argument('--seconds', type=float, default=3.0)
    parser.add_argument('--procs', type=int, default=1)
    parser.add_argument('--count', type=int, default=1000000)
    parser.add_argument('--chunk', type=int, default=43)
    args = parser.parse_args()
    if args.mode == 'server':
        serve(args)
    elif args.mode == 'fill':
        fill(args)
    else:
        clients(args)


if __name__ == '__main__':
    sys.exit(main())
