#!/usr/bin/env python3
"""A CPython client of a durable queue (get_durable_q), for the interop tests.

--mode put: puts six items, takes the first for good (reserve, then ack) and gets the second, then
prints 'RESULT [...]': the reprs of the items that must survive a restart of the server, in order.
--mode get: gets every item until queue.Empty and prints 'RESULT [...]': their reprs, in order.
"""
import argparse
import json
import queue
from multiprocessing.managers import BaseManager


class ServerQueueManager(BaseManager):
    pass


ServerQueueManager.register('get_durable_q')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--authkey', default='abc')
    ap.add_argument('--mode', choices=['put', 'get'], required=True)
    args = ap.parse_args()
    manager = ServerQueueManager(address=('127.0.0.1', args.port), authkey=args.authkey.encode())
    manager.connect()
    q = manager.get_durable_q()
    if args.mode == 'put':
        items = ['acked', 'got', [999999999999, 1000000000001], {'n': [2, 3], 7: None},
                 (1, 'two', 3.5, b'\x00\xff'), 2 ** 100]
        for item in items:
            q.put(item)
        lease_id, first = q._callmethod('reserve', (True, 5.0))
        assert first == 'acked', first
        q._callmethod('ack', (lease_id,))
        assert q.get(timeout=5) == 'got'
        print('RESULT ' + json.dumps([repr(i) for i in items[2:]]))
    else:
        got = []
        while True:
            try:
                got.append(q.get_nowait())
            except queue.Empty:
                break
        print('RESULT ' + json.dumps([repr(i) for i in got]))


if __name__ == '__main__':
    main()
