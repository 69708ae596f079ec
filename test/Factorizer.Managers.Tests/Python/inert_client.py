#!/usr/bin/env python3
"""Payloads off our server's whitelist, for the interop tests: 'put' puts stdlib values and instances of the
classes below into get_job_q, then tries a payload whose pickle calls os.system (refused by the server's
denylist) and goes on using the same proxy; 'get' takes the items back (another CPython may run it) and
checks they equal what was put. The classes live in __main__, which both runs of this script share.
Prints one JSON line 'RESULT {...}'.
"""
import argparse
import collections
import dataclasses
import datetime
import decimal
import fractions
import json
import os
import uuid
from multiprocessing.managers import BaseManager


class ServerQueueManager(BaseManager):
    pass


ServerQueueManager.register('get_job_q')


@dataclasses.dataclass
class Job:
    name: str
    numbers: list
    when: datetime.date


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __reduce__(self):
        return (Point, (self.x, self.y))

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)


class Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch '%s'" % self.marker,))


def payloads():
    return [
        datetime.date(2024, 1, 2),
        Job('factor', [999999999999, 1000000000001], datetime.date(2024, 1, 2)),
        {'point': Point(1, 2), 'when': datetime.datetime(2024, 1, 2, 3, 4, 5), 'amount': decimal.Decimal('1.10')},
        [1 + 2j, fractions.Fraction(1, 3), collections.OrderedDict([('b', 1), ('a', 2)]), collections.deque([1, 2])],
        uuid.UUID('12345678-1234-5678-1234-567812345678'),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['put', 'get'])
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--authkey', default='abc')
    ap.add_argument('--marker', default='/nonexistent/marker')
    args = ap.parse_args()
    manager = ServerQueueManager(address=('127.0.0.1', args.port), authkey=args.authkey.encode())
    manager.connect()
    q = manager.get_job_q()
    result = {}
    if args.mode == 'put':
        for p in payloads():
            q.put(p)
        try:
            q.put(Exploit(args.marker))
            result['exploit'] = 'accepted'
        except Exception as e:  # noqa: BLE001 - the test wants whatever came back
            result['exploit'] = '%s: %s' % (type(e).__name__, str(e))
        q.put('after')
        result['qsize'] = q.qsize()
    else:
        got = [q.get(timeout=10) for _ in range(len(payloads()) + 1)]
        want = payloads() + ['after']
        result['bad'] = ['%r != %r' % (g, w) for g, w in zip(got, want) if not (type(g) is type(w) and g == w)]
        result['count'] = len(got)
    print('RESULT ' + json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
