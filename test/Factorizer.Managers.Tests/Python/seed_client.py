#!/usr/bin/env python3
"""Seed-003 style client (after protocol/vectors/tools/seed_client.py), for the interop tests.

connect(); get_job_q(); get_result_q(); job_q.put(JOB); job_q.get_nowait();
job_q.get_nowait() on the empty queue (queue.Empty); result_q.put({n: [factors]});
result_q.qsize(). Prints one JSON line 'SUMMARY {...}' with what it saw, then exits
(the proxies' finalizers send decref). With a wrong key it prints 'AUTHFAIL <type>'.
"""
import argparse
import json
import queue
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--authkey', default='abc')
    a = ap.parse_args()
    manager = ServerQueueManager(address=('127.0.0.1', a.port), authkey=a.authkey.encode())
    try:
        manager.connect()
    except Exception as e:
        print('AUTHFAIL %s.%s' % (type(e).__module__, type(e).__qualname__), flush=True)
        return
    job_q = manager.get_job_q()
    result_q = manager.get_result_q()
    job_q.put([999999999999, 1000000000001])
    job = job_q.get_nowait()
    empty_raised = False
    try:
        job_q.get_nowait()
    except queue.Empty:
        empty_raised = True
    result_q.put({n: factorize_naive(n) for n in job})
    summary = {
        'python': sys.version.split()[0],
        'job': job,
        'empty_raised': empty_raised,
        'qsize': result_q.qsize(),
    }
    print('SUMMARY ' + json.dumps(summary), flush=True)


if __name__ == '__main__':
    main()
