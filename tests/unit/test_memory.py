"""Batch commands keep freed memory for reuse (rxsupply.entrypoints.memory)."""

from __future__ import annotations

import ctypes
import platform

import numpy as np
import pytest

from rxsupply.entrypoints.memory import keep_freed_memory

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc" or not hasattr(ctypes.CDLL(None), "mallinfo2"),
    reason="the thresholds are glibc's, read with mallinfo2 (glibc 2.33)",
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


def _info() -> _MallInfo2:
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = _MallInfo2
    return mallinfo2()  # type: ignore[no-any-return]


def _mapped() -> int:
    """The bytes glibc holds in blocks of their own mapping (handed back on free)."""
    return int(_info().hblkhd)


def _free_in_heap() -> int:
    """The bytes freed and kept in the heap for reuse."""
    return int(_info().fordblks)


def test_a_large_array_comes_from_the_heap_and_stays_there_for_reuse() -> None:
    # 64 MiB, above glibc's default mmap threshold (32 MiB at most): by default such an array
    # is a mapping of its own, returned to the system on free and faulted in again next time
    size = 64 * 2**20
    assert keep_freed_memory()
    before = _mapped()
    block = np.ones(size // 8)

    assert _mapped() - before < size
    kept = _free_in_heap()
    del block
    assert _free_in_heap() - kept > size // 2  # not trimmed off the top of the heap on free
