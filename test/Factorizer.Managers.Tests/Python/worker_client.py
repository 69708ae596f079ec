#!/usr/bin/env python3
"""Client handing its proxies to fork workers, as the seed's client does (test/Python/seed_client.py).

The parent connects, gets both queues, puts two jobs, then runs 2 multiprocessing.Process
workers (start method 'fork') with args=(job_q, result_q), one after the other. Each worker
inherits the proxies (incref each at start, decref each at exit), does one get_nowait() and
one put() of its factorization dict. The parent prints 'JOINED', waits for a line on stdin
(so the test can look at the server's refcounts while the parent still holds its proxies),
prints 'QSIZE <n>' (result_q.qsize()), reads the 2 results, prints 'RESULTS {...}' and exits.
"""
import argparse
import json
import multiprocessing
import sys
from multiprocessing.managers import SyncManager


class ServerQueueManager(SyncManager):
    pass


ServerQueueManager.register('get_job_q')
ServerQueueManager.register('get_result_q')


def factorize_naive(n):
    factors = []
    p = 2
    while p * p <= n:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    if n > 1:
        factors.append(n)
    return factors


def factorizer_worker(job_q, result_q):
    job = job_q.get_nowait()
    result_q.put({n: factorize_naive(n) for n in job})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--authkey', default='abc')
    a = ap.parse_args()
    multiprocessing.set_start_method('fork')
    manager = ServerQueueManager(address=('127.0.0.1', a.port), authkey=a.authkey.encode())
    manager.connect()
    job_q = manager.get_job_q()
    result_q = manager.get_result_q()
    job_q.put([999999999999])
    job_q.put([1000000000001])
    exitcodes = []
    for _ in range(2):
        p = multiprocessing.Process(target=factorizer_worker, args=(job_q, result_q))
        p.start()
        p.join()
        exitcodes.append(p.exitcode)
    print('JOINED %s' % json.dumps(exitcodes), flush=True)
    sys.stdin.readline()
    print('QSIZE %d' % result_q.qsize(), flush=True)
    results = {}
    for _ in range(2):
        results.update(result_q.get(timeout=30))
    print('RESULTS ' + json.dumps({str(k): v for k, v in results.items()}), flush=True)


if __name__ == '__main__':
    main()
