"""Drives our server's remaining SyncManager types from CPython's own SyncManager proxies: Queue, JoinableQueue,
Semaphore, BoundedSemaphore, Condition, Barrier, Array, dict iteration (#PROXY), list slices, proxies handed to
fork children and pickled through a queue, and hostile calls that must leave the connection usable.
Prints RESULT <json>."""
import argparse
import array
import copy
import gc
import json
import multiprocessing
import sys
import threading
import time
from multiprocessing.managers import SyncManager

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--authkey", default="abc")
opts = parser.parse_args()
key = opts.authkey.encode()
# A proxy unpickled in this process (RebuildProxy) authenticates with the process's key.
multiprocessing.current_process().authkey = key
m = SyncManager(address=("127.0.0.1", opts.port), authkey=key)
m.connect()
out = {}


def error(f):
    try:
        f()
    except Exception as e:
        text = str(e).strip()
        if type(e).__name__ == "RemoteError":  # a create's error: the traceback's last line
            text = text.splitlines()[-2].strip()
        return type(e).__name__ + ": " + text
    return None


def in_thread(f):
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("r", f()))
    t.start()
    return t, box


def joined(t, box):
    t.join(60)
    return box.get("r")


# Queue and JoinableQueue
q = m.Queue(2)
q.put(1)
q.put_nowait(2)
o = {"full": q.full(), "qsize": q.qsize(), "put_full": error(lambda: q.put(3, True, 0.05)),
     "put_nowait_full": error(lambda: q.put_nowait(3))}
o["got"] = [q.get(), q.get(timeout=5)]
o["empty"] = q.empty()
o["get_empty"] = error(lambda: q.get(timeout=0.05))
o["get_nowait_empty"] = error(q.get_nowait)
t, box = in_thread(lambda: q.get(True, 60))
q.put("late")
o["blocked_get"] = joined(t, box)
jq = m.JoinableQueue()
jq.put("a")
jq.put("b")
jq.get()
jq.get()
jq.task_done()
t, box = in_thread(lambda: (jq.join(), "joined")[1])
jq.task_done()
o["join"] = joined(t, box)
o["task_done_too_many"] = error(jq.task_done)
o["unbounded_huge_maxsize"] = (m.Queue(10**30).put(1), "ok")[1]
out["queue"] = o

# Semaphore and BoundedSemaphore
s = m.Semaphore(2)
o = {"a1": s.acquire(), "a2": s.acquire(), "nonblocking": s.acquire(False), "timeout": s.acquire(True, 0.05)}
t, box = in_thread(lambda: s.acquire(True, 60))
s.release()
o["blocked"] = joined(t, box)
s._callmethod("release", (2,))  # release(n) (3.9+ server side; the proxy passes no n)
o["after_release_2"] = [s.acquire(False), s.acquire(False), s.acquire(False)]
o["nonblocking_timeout"] = error(lambda: s.acquire(False, 1))
bs = m.BoundedSemaphore(1)
o["bounded_over"] = error(bs.release)
with bs:
    o["bounded_held"] = bs.acquire(False)
o["bounded_after"] = bs.acquire(False)
out["semaphore"] = o

# Condition: wait releases the lock; notify needs it
c = m.Condition()
v = m.Value("i", 0)
o = {"wait_unheld": error(lambda: c.wait(0.01)), "notify_unheld": error(c.notify)}
with c:
    o["wait_timeout"] = c.wait(0.05)


def bump():
    with c:
        v.value = 1
        c.notify()


with c:
    t = threading.Thread(target=bump)
    t.start()  # it can only take the lock once this thread waits
    o["notified"] = c.wait(60)
    o["value"] = v.value
t.join(60)


def bump_all():
    with c:
        v.value = 2
        c.notify_all()


with c:
    t = threading.Thread(target=bump_all)
    t.start()
    o["wait_for"] = c.wait_for(lambda: v.value == 2, 60)
t.join(60)
o["reentrant"] = [c.acquire(), c.acquire(), c.release(), c.release()]
# over a Lock of its own proxy: the Condition's wait releases that Lock
cl = m.Lock()
cc = m.Condition(cl)
with cl:
    t = threading.Thread(target=lambda: (cc.acquire(), cc.notify(), cc.release()))
    t.start()  # it can only take the Lock once this thread's wait on the Condition releases it
    o["shared_lock"] = cc.wait(60)
t.join(60)
out["condition"] = o

# Barrier
b = m.Barrier(3)
o = {"parties": b.parties, "broken": b.broken}
runs = [in_thread(lambda: b.wait(60)) for _ in range(2)]
deadline = time.monotonic() + 60
while b.n_waiting < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
o["n_waiting"] = b.n_waiting
mine = b.wait(60)
o["indexes"] = sorted([mine] + [joined(*r) for r in runs])
b2 = m.Barrier(2)
o["timeout"] = error(lambda: b2.wait(0.05))
o["broken_after_timeout"] = b2.broken
o["wait_broken"] = error(lambda: b2.wait(1))
b2.reset()
o["after_reset"] = b2.broken
b2.abort()
o["after_abort"] = b2.broken
o["action"] = error(lambda: m.Barrier(2, print))
o["private_attr"] = error(lambda: b._callmethod("__getattribute__", ("_cond",)))
out["barrier"] = o

# Array
a = m.Array("i", [1, 2, 3, 4])
o = {"len": len(a), "first": a[0], "last": a[-1], "slice": list(a[1:3]), "slice_type": type(a[1:3]).__name__,
     "step": list(a[::-2]), "str": str(a)}
a[0] = 10
a[1:3] = array.array("i", [20, 30])
o["after_set"] = list(a[:])
o["overflow"] = error(lambda: a.__setitem__(0, 2**40))
o["type"] = error(lambda: a.__setitem__(0, "x"))
o["index"] = error(lambda: a[10])
o["slice_list"] = error(lambda: a.__setitem__(slice(0, 1), "ab"))
o["typecode_mismatch"] = error(lambda: a.__setitem__(slice(0, 2), array.array("d", [1.0, 2.0])))
o["extended_size"] = error(lambda: a.__setitem__(slice(0, 4, 2), array.array("i", [1])))
d_arr = m.Array("d", [0.5, 1])
u_arr = m.Array("u", "hé€")
q_arr = m.Array("Q", range(3))
o["floats"] = list(d_arr[:])
o["chars"] = "".join(u_arr[:])
o["range"] = list(q_arr[:])
o["bad_typecode"] = error(lambda: m.Array("z", [1]))
out["array"] = o

# dict iteration: an Iterator proxy (#PROXY), freed with its proxy
d = m.dict(a=1, b=2, c=3)
gc.collect()
before = m._number_of_objects()
o = {"list": list(d), "for": [k for k in d], "sorted": sorted(d)}
it = iter(d)
o["next"] = next(it)
gc.collect()  # the iterators of list(d) and friends may wait for a collection (3.12)
o["during"] = m._number_of_objects() - before
del it
gc.collect()
o["after"] = m._number_of_objects() - before
it = iter(d)
d["z"] = 26
o["changed"] = error(lambda: next(it))
del it
out["dict_iter"] = o

# list slices and sort(key=...)
l = m.list(range(10))
o = {"get": l[2:5], "step": l[::3], "neg": l[::-4], "tail": l[-2:], "huge": l[8:10**30]}
l[1:3] = ["x"]
o["assigned"] = l[:]
l[::2] = list("abcde")
o["extended"] = l[:]
o["extended_wrong"] = error(lambda: l.__setitem__(slice(None, None, 2), [1]))
del l[::2]
o["deleted"] = l[:]
del l[1:]
o["deleted_tail"] = l[:]
o["zero_step"] = error(lambda: l[::0])
o["bad_index"] = error(lambda: l["a":])
w = m.list(["bb", "a", "ccc"])
o["sort_key"] = error(lambda: w.sort(key=len))
w[:] = sorted(w[:], key=len)
o["client_sorted"] = w[:]
out["list"] = o


# str(proxy) and proxy._getvalue() / copy.deepcopy(proxy): Python's repr, and a copy of the referent
sd, sl, sv, sn, sa = m.dict({"a": [1, "x"]}), m.list([1, 2.5, None]), m.Value("i", 5), m.Namespace(y=2, x="s"), m.Array("b", [1])
gv = sv._getvalue()
out["values"] = {"str": [str(sd), str(sl), str(sv), str(sn), str(sa)],
                 "copies": [sd._getvalue(), copy.deepcopy(sl), [type(gv).__name__, gv.value], repr(sn._getvalue()),
                            list(sa._getvalue())],
                 "not_copyable": error(lambda: m.Lock()._getvalue())}


# proxies in fork children: each child's proxies incref on a fresh connection and work as in the parent
def child(q, v, lock, ev, d, l, b, c, s):
    with lock:
        v.value = v.value + 1
    d[multiprocessing.current_process().name] = 1
    l.append(1)
    with s:
        q.put("hello")
    b.wait(60)
    with c:
        c.wait_for(ev.is_set, 60)


fq, fv, flock, fev, fd, fl, fb, fc, fs = (m.Queue(), m.Value("i", 0), m.Lock(), m.Event(), m.dict(), m.list(), m.Barrier(3),
                                           m.Condition(), m.Semaphore(1))
ctx = multiprocessing.get_context("fork")
procs = [ctx.Process(target=child, args=(fq, fv, flock, fev, fd, fl, fb, fc, fs)) for _ in range(2)]
for p in procs:
    p.start()
fb.wait(60)
with fc:
    fev.set()
    fc.notify_all()
for p in procs:
    p.join(60)
out["fork"] = {"exitcodes": [p.exitcode for p in procs], "value": fv.value, "got": [fq.get(timeout=60) for _ in procs],
               "dict_len": len(fd), "list_len": len(fl)}

# a pickled proxy through a queue: RebuildProxy makes a working proxy (incref) on the way out
pq = m.Queue()
pd = m.dict(k="v")
pq.put(pd)
again = pq.get(timeout=60)
again["via"] = "queue"
out["pickled"] = {"type": type(again).__name__, "seen": pd["via"], "same": again._token.id == pd._token.id}
# nested proxies (Python's documentation): the inner objects outlive the caller's own proxies to them
outer = m.list([m.dict() for _ in range(2)])
outer.append(m.dict(k=3))
gc.collect()
inner = outer[0]
inner["a"] = 1
out["nested"] = {"first": outer[0]["a"], "appended": outer[2]["k"], "len": len(outer)}

# hostile calls: clean Python errors, and the connection goes on serving
h = m.Queue()
o = {"get_args": error(lambda: h._callmethod("get", (True, 1, 2))),
     "get_kw": error(lambda: h._callmethod("get", (), {"bogus": 1})),
     "unknown": error(lambda: h._callmethod("nope")),
     "sem_huge": error(lambda: m.Semaphore(10**30)),
     "sem_negative": error(lambda: m.Semaphore(-1)),
     "sem_args": error(lambda: s._callmethod("acquire", (1, 2, 3))),
     "barrier_zero": error(lambda: m.Barrier(0)),
     "barrier_huge": error(lambda: m.Barrier(10**30)),
     "array_huge": error(lambda: m.Array("i", range(10**12))),
     "array_args": error(lambda: m.Array("i")),
     "queue_type": error(lambda: m.Queue("x")),
     "condition_lock": error(lambda: m.Condition(m.dict())),
     "list_mul": error(lambda: l * 10**12),
     "list_index": error(lambda: l[10**30]),
     "iter_args": error(lambda: d._callmethod("__iter__", (1,))),
     "notify_type": error(lambda: c._callmethod("notify", ("x",)))}
h.put("still")
o["still"] = [h.get(timeout=60), len(l), b.parties]
out["hostile"] = o

print("RESULT " + json.dumps(out, separators=(",", ":")))
