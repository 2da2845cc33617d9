"""Run one command and report its wall time, CPU time and peak memory, nothing else.

    python -S -I benchmarks/launch.py RESULT_FILE COMMAND [ARG ...]

Why a launcher: on Linux a child's ru_maxrss starts at its parent's peak (fork
copies the page tables and exec records the old high-water mark), so measuring
from the benchmark process, which holds hundreds of documents, would inflate
every figure. This launcher is a bare interpreter of a few MB, and it times
only fork → exec → wait, not its own start.
"""

import os
import sys
import time

result_file, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(result_file, "w") as out:
    out.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} "
              f"{os.waitstatus_to_exitcode(status)}\n")
