#!/usr/bin/env python3
"""CPython's side of cli/tests/fidelity.rs: the conformance oracle kept beside this file
(oracle.py: a logging.toml turned into a dictConfig dict, then the records replayed
through CPython's own logging module), with the clock fixed at $LOGCONF_REPLAY_TIME
(seconds since the epoch), as `logconf replay` fixes its own, so dates and times
compare byte for byte."""
import os
import runpy
import sys
import time

fixed = float(os.environ["LOGCONF_REPLAY_TIME"])
time.time = lambda: fixed
time.time_ns = lambda: int(fixed * 1e9)

oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle.py")
sys.argv[0] = oracle
runpy.run_path(oracle, run_name="__main__")
