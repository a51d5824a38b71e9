"""Child processes (FFmpeg) that die with the process that started them.

On Linux the child asks the kernel for SIGKILL when its parent dies
(prctl(PR_SET_PDEATHSIG), see prctl(2)), so a killed `revideo up` or worker leaves no FFmpeg
running on. The signal follows the *thread* that forked: subprocess.run waits in that thread,
so it lives as long as the child. Elsewhere this is a no-op.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _prctl()  # looked up before any fork: the child only calls it


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that ties the child's life to this process (None where unsupported)."""
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def arm() -> None:  # runs in the child between fork and exec: keep it tiny
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)

    return arm
