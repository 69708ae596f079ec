"""The seed's client (seed article 003, "Distributed computing in Python with
multiprocessing"), ported to Python 3 and changed only as far as Python 3 and
testing need:

- print is a function; Queue is queue; the authkey is bytes;
- IP, PORTNUM, AUTHKEY and the number of processes come from argparse
  (--ip, --port, --authkey, --procs) instead of module constants.

factorize_naive is the seed's (from the previous article of the series).
"""
import argparse
import multiprocessing
import queue
from multiprocessing.managers import SyncManager


def factorize_naive(n):
    """ A naive factorization method. Take integer 'n', return list of
        factors.
    """
    if n < 2:
        return []
    factors = []
    p = 2

    while True:
        if n == 1:
            return factors

        r = n % p
        if r == 0:
            factors.append(p)
            n = n // p
        elif p * p >= n:
            factors.append(n)
            return factors
        elif p > 2:
            # Advance in steps of 2 over odd numbers
            p += 2
        else:
            # If p == 2, get to 3
            p += 1
    assert False, "unreachable"


def factorizer_worker(job_q, result_q):
    """ A worker function to be launched in a separate process. Takes jobs from
        job_q - each job a list of numbers to factorize. When the job is done,
        the result (dict mapping number -> list of factors) is placed into
        result_q. Runs until job_q is empty.
    """
    while True:
        try:
            job = job_q.get_nowait()
            outdict = {n: factorize_naive(n) for n in job}
            result_q.put(outdict)
        except queue.Empty:
            return


def mp_factorizer(shared_job_q, shared_result_q, nprocs):
    """ Split the work with jobs in shared_job_q and results in
        shared_result_q into several processes. Launch each process with
        factorizer_worker as the worker function, and wait until all are
        finished.
    """
    procs = []
    for i in range(nprocs):
        p = multiprocessing.Process(
                target=factorizer_worker,
                args=(shared_job_q, shared_result_q))
        procs.append(p)
        p.start()

    for p in procs:
        p.join()


def make_client_manager(ip, port, authkey):
    """ Create a manager for a client. This manager connects to a server on the
        given address and exposes the get_job_q and get_result_q methods for
        accessing the shared queues from the server.
        Return a manager object.
    """
    class ServerQueueManager(SyncManager):
        pass

    ServerQueueManager.register('get_job_q')
    ServerQueueManager.register('get_result_q')

    manager = ServerQueueManager(address=(ip, port), authkey=authkey)
    manager.connect()

    print('Client connected to %s:%s' % (ip, port))
    return manager


def runclient(ip, port, authkey, nprocs):
    manager = make_client_manager(ip, port, authkey)
    job_q = manager.get_job_q()
    result_q = manager.get_result_q()
    mp_factorizer(job_q, result_q, nprocs)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description="The seed's factorizer client (Python 3 port).")
    parser.add_argument('--ip', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=5000)
    parser.add_argument('--authkey', default='abc')
    parser.add_argument('--procs', type=int, default=4)
    args = parser.parse_args()
    runclient(args.ip, args.port, args.authkey.encode('utf-8'), args.procs)
