#!/usr/bin/env python3
"""Seed-003 style manager server (after protocol/vectors/tools/seed_server.py), for the interop tests.

A SyncManager with get_job_q / get_result_q over two queue.Queue objects, started with
manager.start() on 127.0.0.1 port 0 (the OS picks a free port). The result queue starts with
two result dicts in it (long keys, then a key past 64 bits), pickled by Python. Prints 'READY <port>' once listening, then waits
for 'stop' (or EOF) on stdin and shuts the manager down.
"""
import argparse
import queue
import sys
from multiprocessing.managers import SyncManager

job_q = queue.Queue()
result_q = queue.Queue()
result_q.put({999999999999: [3, 3, 3, 7, 11, 13, 37, 101, 9901], 1000000000001: [73, 137, 99990001]})
result_q.put({2 ** 64 + 1: [274177, 67280421310721]})


def get_job_q():
    return job_q


def get_result_q():
    return result_q


class JobQueueManager(SyncManager):
    pass


JobQueueManager.register('get_job_q', callable=get_job_q)
JobQueueManager.register('get_result_q', callable=get_result_q)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--authkey', default='abc')
    a = ap.parse_args()
    manager = JobQueueManager(address=('127.0.0.1', 0), authkey=a.authkey.encode())
    manager.start()
    print('READY %d python %s' % (manager.address[1], sys.version.split()[0]), flush=True)
    for line in sys.stdin:
        if line.strip() == 'stop':
            break
    manager.shutdown()
    print('STOPPED', flush=True)


if __name__ == '__main__':
    main()
