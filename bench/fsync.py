"""Raw durable-write rate of a directory's disk, measured the way redb commits.

Writes 4 KiB into an already allocated file and calls fdatasync (what
redb's durable commit calls, through File::sync_data), in a loop.
Usage: fsync.py DIR SECONDS. Prints the operations per second."""

import os
import sys
import time

directory, seconds = sys.argv[1], float(sys.argv[2])
path = os.path.join(directory, "fsync-probe")
block = os.urandom(4096)
slots = 256
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
try:
    # Allocate the blocks first, so the loop measures data flushes only.
    os.write(fd, bytes(4096 * slots))
    os.fsync(fd)
    ops = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        os.pwrite(fd, block, (ops % slots) * 4096)
        os.fdatasync(fd)
        ops += 1
    elapsed = time.monotonic() - began
finally:
    os.close(fd)
    os.unlink(path)
print(f"{ops / elapsed:.0f}")
