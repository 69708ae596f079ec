#!/usr/bin/env python3
"""Lease calls (reserve/ack/release/touch, docs/protocol.md §3.7) from CPython's own proxy, for the
interop tests. The test puts one item 'job-1' in get_job_q first.

Uses _callmethod as any manager client can, then the AutoProxy methods (built from the exposed list).
Prints one JSON line 'RESULT {...}' with what it saw, and exits while still holding a lease on
'job-2', which the server must put back when the connection closes.
"""
import argparse
import json
import queue
from multiprocessing.managers import BaseManager


class ServerQueueManager(BaseManager):
    pass


ServerQueueManager.register('get_job_q')


def error_of(call):
    """The exception a call raised, as [type, str(e)]; None when it returned."""
    try:
        call()
        return None
    except queue.Empty:
        return ['queue.Empty', '']
    except Exception as e:  # noqa: BLE001 - the test wants whatever came back
        return [type(e).__name__, str(e)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--authkey', default='abc')
    args = ap.parse_args()
    manager = ServerQueueManager(address=('127.0.0.1', args.port), authkey=args.authkey.encode())
    manager.connect()
    q = manager.get_job_q()
    out = {}

    lease_id, item = q._callmethod('reserve', (True, 5.0))
    out['reserve'] = [type(lease_id).__name__, item]
    out['touch'] = q._callmethod('touch', (lease_id,))
    out['release'] = q._callmethod('release', (lease_id,))
    again_id, again = q._callmethod('reserve', (True, 5.0))
    out['again'] = [again, again_id != lease_id]
    out['ack'] = q._callmethod('ack', (again_id,))
    out['ack_again'] = error_of(lambda: q._callmethod('ack', (again_id,)))
    out['again_id'] = again_id
    out['unknown'] = error_of(lambda: q._callmethod('ack', (12345,)))
    out['empty'] = error_of(lambda: q._callmethod('reserve', (True, 0.05)))

    # Hostile arguments: a clean exception each, and the connection stays usable.
    out['bad_block'] = error_of(lambda: q._callmethod('reserve', ('x',)))
    out['bad_ttr'] = error_of(lambda: q._callmethod('reserve', (), {'ttr': 'x'}))
    out['nan_ttr'] = error_of(lambda: q._callmethod('reserve', (True, 1.0, float('nan'))))
    out['huge_ttr'] = error_of(lambda: q._callmethod('reserve', (True, 1.0, 10 ** 30)))
    out['bad_id'] = error_of(lambda: q._callmethod('ack', ('abc',)))
    out['negative_delay'] = error_of(lambda: q._callmethod('release', (1, -1)))
    out['qsize'] = q.qsize()

    # The AutoProxy has the methods too, keywords included.
    q.put('job-2')
    proxy_id, proxy_item = q.reserve(timeout=5, ttr=60)
    out['proxy_reserve'] = proxy_item
    q.release(proxy_id, delay=0)
    _, held = q.reserve(True, 5)
    out['held'] = held
    print('RESULT ' + json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
