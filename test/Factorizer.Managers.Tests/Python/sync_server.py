"""CPython's own SyncManager server on 127.0.0.1, port 0, for our typed proxies to talk to.

The key comes from FACTOR_AUTHKEY (never the command line). Prints READY <port>, then serves until killed.
"""
import os
from multiprocessing.managers import SyncManager

manager = SyncManager(address=("127.0.0.1", 0), authkey=os.environ["FACTOR_AUTHKEY"].encode())
server = manager.get_server()
print("READY", server.address[1], flush=True)
server.serve_forever()
