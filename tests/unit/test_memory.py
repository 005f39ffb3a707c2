"""Batch commands keep freed memory for reuse (rxsupply.entrypoints.memory)."""

from __future__ import annotations

import ctypes
import platform

import numpy as np
import pytest

from rxsupply.entrypoints.memory import keep_freed_memory

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the thresholds are glibc's"
)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _mapped() -> int:
    """The bytes glibc holds in blocks of their own mapping (handed back on free)."""
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = _MallInfo2
    return int(mallinfo2().hblkhd)


def test_a_large_array_comes_from_the_heap_and_stays_for_reuse() -> None:
    # 64 MiB, above glibc's default mmap threshold (32 MiB at most): by default such an array
    # is a mapping of its own, returned to the system on free and faulted in again next time
    size = 64 * 2**20
    assert keep_freed_memory()
    before = _mapped()
    block = np.ones(size // 8)

    assert _mapped() - before < size
    del block
