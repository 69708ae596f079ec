"""Exercises our server's SyncManager types from CPython's own SyncManager proxies; prints RESULT <json>."""
import argparse
import json
import threading
import time
from multiprocessing.connection import Client
from multiprocessing.managers import SyncManager, dispatch

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--authkey", default="abc")
opts = parser.parse_args()
address = ("127.0.0.1", opts.port)
key = opts.authkey.encode()
m = SyncManager(address=address, authkey=key)
m.connect()
out = {}


def error(f):
    try:
        f()
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
    return None


def in_thread(f):
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("r", f()))
    t.start()
    t.join(30)
    return box.get("r")


# dict
d = m.dict({"a": 1}, b=2)
d["c"] = [1, 2]
d[(1, None)] = "tuple"
d.update({"e": 5}, f=6)
out["dict"] = {
    "len": len(d), "a": d["a"], "get_missing": d.get("zz", "dflt"), "contains": "c" in d, "not_contains": "q" in d,
    "keys": [k for k in d.keys() if isinstance(k, str)], "items": [[k, v] for k, v in d.items() if isinstance(k, str)],
    "pop": d.pop("b"), "pop_default": d.pop("b", 42), "setdefault": d.setdefault("g", 7), "popitem": list(d.popitem()),
    "keyerror": error(lambda: d["nope"]), "pop_keyerror": error(lambda: d.pop("nope")),
    "int_float_key": (d.__setitem__(1, "one"), d[1.0])[1], "copy": sorted(k for k in d.copy() if isinstance(k, str)),
}
del d["a"]
out["dict"]["after_del"] = "a" in d
d.clear()
out["dict"]["cleared"] = len(d)

# list
lst = m.list([3, 1])
lst.append(2)
lst.extend([5, 4])
lst[0] = 9
out["list"] = {
    "items": lst._callmethod("__mul__", (1,)), "len": len(lst), "get": lst[1], "neg": lst[-1],
    "index": lst.index(5), "count": lst.count(1), "contains": 5 in lst,
}
lst.remove(5)
out["list"]["pop"] = lst.pop()
out["list"]["pop0"] = lst.pop(0)
lst.insert(0, 7)
lst.sort()
out["list"]["sorted"] = lst._callmethod("__mul__", (1,))
lst.reverse()
out["list"]["reversed"] = lst._callmethod("__mul__", (1,))
out["list"]["add"] = lst + [0]
out["list"]["indexerror"] = error(lambda: lst[10])
out["list"]["pop_empty"] = error(lambda: m.list().pop())
out["list"]["remove_missing"] = error(lambda: lst.remove(99))
out["list"]["index_missing"] = error(lambda: lst.index(99))

# Namespace
ns = m.Namespace(x=1)
ns.y = "two"
out["namespace"] = {"x": ns.x, "y": ns.y, "missing": error(lambda: ns.zz)}
del ns.x
out["namespace"]["after_del"] = error(lambda: ns.x)

# Value
v = m.Value("i", 0)
v.value = 5
out["value"] = {"first": v.get(), "after": (v.set(v.value + 1), v.value)[1]}

# Event
ev = m.Event()
out["event"] = {"initial": ev.is_set(), "wait_timeout": ev.wait(0.1)}
threading.Timer(0.2, ev.set).start()
out["event"]["waited"] = ev.wait(10)
out["event"]["is_set"] = ev.is_set()
ev.clear()
out["event"]["cleared"] = ev.is_set()

# Lock: another connection (a thread's) cannot take it while held; waits with a timeout
lk = m.Lock()
out["lock"] = {"acquire": lk.acquire(), "nonblocking_other": in_thread(lambda: lk.acquire(False))}
t0 = time.monotonic()
out["lock"]["timeout_other"] = in_thread(lambda: lk.acquire(True, 0.3))
out["lock"]["waited_s"] = time.monotonic() - t0
threading.Timer(0.3, lk.release).start()  # a Lock has no owner: another thread may release it
out["lock"]["blocking_other"] = in_thread(lambda: lk.acquire(True, 10))
# the thread's connection closed with the thread, releasing its hold
out["lock"]["after_thread_closed"] = lk.acquire(True, 10)
out["lock"]["release"] = lk.release()
out["lock"]["release_unlocked"] = error(lk.release)
out["lock"]["bad_timeout"] = error(lambda: lk.acquire(False, 1))

# RLock: reentrant for its owner, others cannot release it
rl = m.RLock()
out["rlock"] = {"a1": rl.acquire(), "a2": rl.acquire(), "other": in_thread(lambda: rl.acquire(True, 0.2)),
                "other_release": in_thread(lambda: error(rl.release))}
rl.release()
out["rlock"]["still_held_other"] = in_thread(lambda: rl.acquire(False))
rl.release()
out["rlock"]["release_unowned"] = error(rl.release)
with rl:
    pass

# a connection that closes while holding a lock releases it
held = m.Lock()
c = Client(address, authkey=key)
dispatch(c, None, "accept_connection", ("holder",))
c.send((held._token.id, "acquire", (True,), {}))
kind, got = c.recv()
c.close()
out["closed"] = {"holder_got": got, "reacquired": held.acquire(True, 10)}

print("RESULT " + json.dumps(out, separators=(",", ":")))
