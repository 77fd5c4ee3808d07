"""Peak memory of the current process, as the benchmarks report it."""

from __future__ import annotations

import resource
import sys


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    On Linux, VmHWM of this process image: ``ru_maxrss`` survives ``exec`` and would report the
    parent's size at fork time for a worker started by a big parent (one that just built a model).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
