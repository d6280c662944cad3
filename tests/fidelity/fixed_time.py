#!/usr/bin/env python3
"""CPython's side of tests/fidelity.rs: the shared conformance oracle
(../shared/conformance/oracle.py, or $LOGCONF_SHARED/conformance/oracle.py) with the
clock fixed at $LOGCONF_REPLAY_TIME (seconds since the epoch), as `logconf replay`
fixes its own, so dates and times compare byte for byte."""
import os
import runpy
import sys
import time

fixed = float(os.environ["LOGCONF_REPLAY_TIME"])
time.time = lambda: fixed
time.time_ns = lambda: int(fixed * 1e9)

shared = os.environ.get("LOGCONF_SHARED") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
oracle = os.path.join(shared, "conformance", "oracle.py")
sys.argv[0] = oracle
runpy.run_path(oracle, run_name="__main__")
