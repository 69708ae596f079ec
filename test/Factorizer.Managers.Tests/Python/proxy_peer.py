"""A CPython SyncManager client acting on one object a C# client made, named by its typeid and ident.

--action event-set      set the Event; prints SET
--action lock-contend   try the lock (prints TRY False while C# holds it), say WAITING, block until it is
                        ours (ACQUIRED True), then wait for a line on stdin and release (RELEASED)
--action inert-put      put stdlib values (and with --user-class a dataclass of this script) in the dict
--action inert-check    check the copies C# made of them (EQUAL True)
--action share --into D  store this proxy in the dict whose ident is D, under "shared" (SHARED)
The key comes from FACTOR_AUTHKEY.
"""
import argparse
import dataclasses
import datetime
import decimal
import fractions
import os
import sys
from multiprocessing.managers import SyncManager, Token


@dataclasses.dataclass
class Point:
    x: int
    y: int


def stdlib_values():
    return {"date": datetime.date(2024, 2, 29), "dec": decimal.Decimal("1.50"), "frac": fractions.Fraction(3, 7)}


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--typeid", required=True)
parser.add_argument("--ident", required=True)
parser.add_argument("--action", required=True)
parser.add_argument("--user-class", action="store_true")
parser.add_argument("--into")
opts = parser.parse_args()
address = ("127.0.0.1", opts.port)
key = os.environ["FACTOR_AUTHKEY"].encode()
manager = SyncManager(address=address, authkey=key)
manager.connect()
proxytype = manager._registry[opts.typeid][-1]
proxy = proxytype(Token(opts.typeid, address, opts.ident), "pickle", manager=manager, authkey=key)


def say(*words):
    print(*words, flush=True)


if opts.action == "event-set":
    proxy.set()
    say("SET")
elif opts.action == "lock-contend":
    say("TRY", proxy.acquire(timeout=0.05))
    say("WAITING")
    say("ACQUIRED", proxy.acquire(timeout=60))
    sys.stdin.readline()
    proxy.release()
    say("RELEASED")
elif opts.action == "inert-put":
    values = stdlib_values()
    if opts.user_class:
        values["point"] = Point(1, 2)
    for k, v in values.items():
        proxy[k] = v
    say("PUT", len(values))
elif opts.action == "inert-check":
    values = stdlib_values()
    if opts.user_class:
        values["point"] = Point(1, 2)
    copies = {k: proxy[k + "2"] for k in values}
    say("EQUAL", copies == values)
elif opts.action == "share":
    into = manager._registry["dict"][-1](Token("dict", address, opts.into), "pickle", manager=manager, authkey=key)
    into["shared"] = proxy
    say("SHARED")
else:
    sys.exit("unknown action " + opts.action)
