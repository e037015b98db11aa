"""Raw durable-write rate of a directory's disk: 4 KiB write + fsync, repeated.

Usage: fsync.py DIR SECONDS. Prints the operations per second."""

import os
import sys
import time

directory, seconds = sys.argv[1], float(sys.argv[2])
path = os.path.join(directory, "fsync-probe")
block = os.urandom(4096)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
try:
    ops = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        os.pwrite(fd, block, (ops % 256) * 4096)
        os.fsync(fd)
        ops += 1
    elapsed = time.monotonic() - began
finally:
    os.close(fd)
    os.unlink(path)
print(f"{ops / elapsed:.0f}")
