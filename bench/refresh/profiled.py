"""`python -m bench.refresh.profiled OUT -m MODULE ARGS...`: run a module under cProfile, timed by the
process's CPU time (not the wall clock, which on a shared machine mostly measures waiting for a core),
and write the profile to OUT when it exits."""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    assert flag == "-m", "usage: python -m bench.refresh.profiled OUT -m MODULE ARGS..."
    sys.argv = [module, *rest]
    profile = cProfile.Profile(time.process_time)
    try:
        profile.runcall(runpy.run_module, module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
