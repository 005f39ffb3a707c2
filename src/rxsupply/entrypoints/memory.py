"""The C allocator's thresholds for batch commands: freed memory kept for reuse.

A plan in parts allocates and frees the same arrays of tens of megabytes for every part (a
part's history, its filled copy, the replays' inputs). glibc serves an allocation above its
mmap threshold (at most 32 MiB, adjusted as it goes) with fresh pages from the system and
hands them back on free, so every part faults its pages in again: at 500,000 item-locations
(``bench/plan.py``) the plan took 60 to 66 s, 8 s more of it in the kernel than with the
threshold at 256 MiB and the heap trimmed only above 512 MiB free, where the freed arrays are
reused and it took 55 to 58 s, at about the same peak memory (2.8 GB against 2.6 to 2.7).
(A thread's own arena maps what is above 64 MiB whatever the threshold; a part's arrays are
below that.)
"""

from __future__ import annotations

import ctypes
import platform

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 2**20
TRIM_THRESHOLD = 512 * 2**20


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process (see the module); whether it
    was done (not on another C library)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mapped = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)  # 1 when taken
    trimmed = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    return bool(mapped) and bool(trimmed)
