"""The seed's server (seed article 003, "Distributed computing in Python with
multiprocessing"), ported to Python 3 and changed only as far as Python 3 and
testing need:

- print is a function; Queue is queue; xrange is range; the authkey is bytes;
- PORTNUM, AUTHKEY and N come from argparse (--port, --authkey, --count, and
  --ip for the address to bind; default 127.0.0.1); port 0 picks a free port;
- the real port is printed as "READY <port>" (stderr) once the manager listens;
- it waits for a result for every number (the seed waits for N results of its
  N + 1 numbers, which can miss the last chunk when it is small), and writes
  the collected results to stdout in GNU factor's format ("n: p1 p2 ...") in
  input order, so a test can compare them with `factor`.
- the start method is forced to "fork" (Python 3.14 defaults to forkserver on
  Linux, which cannot send the seed's lambdas to the manager process).
The informational lines go to stderr, so stdout holds the results only.
"""
import argparse
import multiprocessing
import queue
import sys
import time
from multiprocessing.managers import SyncManager


def make_server_manager(ip, port, authkey):
    """ Create a manager for the server, listening on the given port.
        Return a manager object with get_job_q and get_result_q methods.
    """
    job_q = queue.Queue()
    result_q = queue.Queue()

    # This is based on the examples in the official docs of multiprocessing.
    # get_{job|result}_q return synchronized proxies for the actual Queue
    # objects.
    class JobQueueManager(SyncManager):
        pass

    JobQueueManager.register('get_job_q', callable=lambda: job_q)
    JobQueueManager.register('get_result_q', callable=lambda: result_q)

    manager = JobQueueManager(address=(ip, port), authkey=authkey)
    manager.start()
    print('Server started at port %s' % manager.address[1], file=sys.stderr)
    print('READY %d' % manager.address[1], file=sys.stderr, flush=True)
    return manager


def make_nums(N):
    """ Create N large numbers to factorize.
    """
    nums = [999999999999]
    for i in range(N):
        nums.append(nums[-1] + 2)
    return nums


def runserver(ip, port, authkey, N):
    # Start a shared manager server and access its queues
    manager = make_server_manager(ip, port, authkey)
    shared_job_q = manager.get_job_q()
    shared_result_q = manager.get_result_q()

    nums = make_nums(N)

    # The numbers are split into chunks. Each chunk is pushed into the job
    # queue.
    chunksize = 43
    for i in range(0, len(nums), chunksize):
        shared_job_q.put(nums[i:i + chunksize])

    # Wait until all results are ready in shared_result_q
    numresults = 0
    resultdict = {}
    while numresults < len(nums):
        outdict = shared_result_q.get()
        resultdict.update(outdict)
        numresults += len(outdict)

    # The results, in GNU factor's format and input order.
    for n in nums:
        print('%d:%s' % (n, ''.join(' %d' % p for p in resultdict[n])))
    sys.stdout.flush()

    # Sleep a bit before shutting down the server - to give clients time to
    # realize the job queue is empty and exit in an orderly way.
    time.sleep(2)
    manager.shutdown()


if __name__ == '__main__':
    multiprocessing.set_start_method('fork')
    parser = argparse.ArgumentParser(description="The seed's factorizer server (Python 3 port).")
    parser.add_argument('--ip', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=5000)
    parser.add_argument('--authkey', default='abc')
    parser.add_argument('--count', type=int, default=999,
                        help="the seed's N: make_nums(N) makes N + 1 numbers")
    args = parser.parse_args()
    runserver(args.ip, args.port, args.authkey.encode('utf-8'), args.count)
