#!/usr/bin/env python3
"""CPython's side of the import cases (tests/import_cases.rs).

    python3 oracle.py export settings.py          # json.dumps(LOGGING, default=str)
    python3 oracle.py records settings.py         # replay lines: every logger x level
    python3 oracle.py run settings.py < records   # dictConfig(LOGGING), log, shutdown

`settings.py` is run as Django runs a settings module (with the stand-ins in stubs/
on the path, settings.DEBUG False); `run` logs each record through
`logging.getLogger(name).log(level, msg)` from the working directory, so relative
file names land there, as in a Django process started in it.
"""
import json
import logging
import logging.config
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "stubs"))

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def load(path):
    return runpy.run_path(path)["LOGGING"]


def records(logging_dict):
    names = [""]
    for name in (logging_dict.get("loggers") or {}):
        if name not in ("", "root"):
            names += [name, name + ".child"]
    names.append("unconfigured.module")
    for name in names:
        for level in LEVELS:
            line = {"level": level, "msg": f"{level.lower()} from {name or 'root'}"}
            if name:
                line["logger"] = name
            print(json.dumps(line))


def run(logging_dict):
    logging.config.dictConfig(logging_dict)
    for line in sys.stdin:
        r = json.loads(line)
        logging.getLogger(r.get("logger", "")).log(
            logging.getLevelName(r["level"]), r["msg"])
    logging.shutdown()


def main():
    command, path = sys.argv[1], sys.argv[2]
    d = load(path)
    if command == "export":
        print(json.dumps(d, default=str, indent=1))
    elif command == "records":
        records(d)
    elif command == "run":
        run(d)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
