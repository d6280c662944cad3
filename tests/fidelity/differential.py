#!/usr/bin/env python3
"""Generated differential test: logconf against CPython's `logging`.

    python3 differential.py --logconf PATH [--seed N] [--cases N] [--formats N]
                            [--failures DIR]

Each case is a `logging.toml` with one file handler per generated format and a few
records whose key-values every format names. A format is kept only when CPython
accepts it and formats every record with it; CPython (through oracle.py, its clock
fixed by fixed_time.py) and `logconf replay` then run the same case and every file
must hold the same bytes. A format whose file differs is shrunk (fields, literal text
and spec parts dropped while the difference stays) and written to --failures as a
ready-to-commit case folder (logging.toml + records.jsonl) for tests/fidelity/.

Formats are generated in `%` and `{` styles over the whole format-spec mini-language:
fill (any character), align, sign, `z`, `#`, `0`, width, grouping, precision, every
type; printf flags, width, precision and types; conversions `!r`, `!s`, `!a`; record
attributes and key-values (named as ECS writes them, `http.method`, `user-agent`, and
in any script). Values: integers at the 64-bit extremes, floats with -0.0,
subnormals, huge and tiny ones, strings with any Unicode (combining, wide,
right-to-left, controls).

Exit status: 0 when every format agrees, 1 when some differ (a summary on stdout).
"""
import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = "1764289845.123456"

# record attributes logconf and CPython fill the same way in `replay`
ATTRIBUTES = ["levelname", "levelno", "name", "message", "msg"]
KV_NAMES = ["n", "x", "s", "big", "neg", "http.method", "user-agent", "用户"]

FILLS = [" ", "*", "0", "-", "_", "·", "】", "é", "x", "{", "}", "<", "=", "#", "%", "🙂"]
TYPES_INT = "bcdoxXn"
TYPES_FLOAT = "eEfFgGn%"
LITERALS = ["", " ", "|", "-", "】", "·", "é", "🙂", "[", "]", "%%", "{{", "}}", "=", "x"]


def value_sets(rng):
    """Key-value sets, one per record: every format names the same keys."""
    ints = [0, 1, -1, 7, 20, -7, 255, 1234, -1234, 123456789, 2**31 - 1, -(2**31),
            2**63 - 1, -(2**63), 2**64 - 1, 10**15, 4096]
    floats = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 123.456, -1234.5, 1e-7, 1.5e-300, 5e-324,
              2.2250738585072014e-308, 1e16, 1e300, -2.5e-7, 12345678901234567.0,
              0.1, 1 / 3, 100.0, 1e22, 9.999999, 0.05]
    strings = ["", "a", "hello", "héllo", "日本語", "a\u0301", "שלום", "tab\there",
               "x" * 12, "🙂🙂", "'quote'", "\"dq\"", "back\\slash", "%s", "{x}"]
    sets = []
    for _ in range(4):
        sets.append({
            "n": rng.choice(ints),
            "x": rng.choice(floats),
            "s": rng.choice(strings),
            "big": rng.choice(ints),
            "neg": rng.choice(floats),
            "http.method": rng.choice(["GET", "POST", ""]),
            "user-agent": rng.choice(strings),
            "用户": rng.choice(strings),
        })
    return sets


def brace_spec(rng, kind):
    parts = []
    if rng.random() < 0.3:
        if rng.random() < 0.6:
            parts.append(rng.choice(FILLS))
        parts.append(rng.choice("<>^="))
    if rng.random() < 0.3:
        parts.append(rng.choice("+- "))
    if rng.random() < 0.1:
        parts.append("z")
    if rng.random() < 0.2:
        parts.append("#")
    if rng.random() < 0.2:
        parts.append("0")
    if rng.random() < 0.5:
        parts.append(str(rng.choice([1, 2, 3, 5, 8, 12, 20])))
    if rng.random() < 0.25:
        parts.append(rng.choice(",_"))
    if rng.random() < 0.4:
        parts.append("." + str(rng.choice([0, 1, 2, 3, 6, 10, 17])))
    if rng.random() < 0.7:
        types = {"int": TYPES_INT + TYPES_FLOAT + "s", "float": TYPES_FLOAT + "s",
                 "str": "s"}[kind]
        parts.append(rng.choice(types))
    return "".join(parts)


def kind_of(field):
    if field in ("n", "big", "levelno"):
        return "int"
    if field in ("x", "neg"):
        return "float"
    return "str"


def brace_format(rng):
    out = []
    for _ in range(rng.randint(1, 4)):
        out.append(rng.choice(LITERALS))
        field = rng.choice(KV_NAMES + ATTRIBUTES)
        conv = ""
        if rng.random() < 0.15:
            conv = rng.choice(["!r", "!s", "!a"])
        kind = "str" if conv else kind_of(field)
        spec = brace_spec(rng, kind) if rng.random() < 0.8 else ""
        out.append("{" + field + conv + (":" + spec if spec else "") + "}")
    out.append(rng.choice(LITERALS))
    return "".join(out)


def percent_format(rng):
    out = []
    for _ in range(rng.randint(1, 4)):
        out.append(rng.choice(LITERALS).replace("%%", "%%"))
        field = rng.choice(KV_NAMES + ATTRIBUTES)
        flags = "".join(rng.choice("#0- +") for _ in range(rng.choice([0, 0, 1, 2])))
        width = str(rng.choice([1, 3, 8, 12])) if rng.random() < 0.5 else ""
        prec = "." + str(rng.choice([0, 1, 3, 6])) if rng.random() < 0.4 else ""
        kind = kind_of(field)
        types = {"int": "diouxXeEfFgGcrsa", "float": "diouxXeEfFgGrsa", "str": "rsa"}[kind]
        out.append("%(" + field + ")" + flags + width + prec + rng.choice(types))
    out.append(rng.choice(LITERALS).replace("{{", "{").replace("}}", "}"))
    return "".join(out)


def python_accepts(fmt, style, records):
    """True when CPython builds the formatter and formats every record with it."""
    try:
        f = logging.Formatter(fmt, style=style)
    except (ValueError, TypeError, KeyError):
        return False
    for kv in records:
        rec = logging.LogRecord("app.x", logging.INFO, __file__, 1, "msg a", None, None)
        for k, v in kv.items():
            setattr(rec, k, v)
        try:
            f.format(rec)
        except Exception:  # noqa: BLE001 - any failure rules the format out
            return False
    return True


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def write_case(folder, formats, records):
    """A case folder: one file handler per (format, style)."""
    os.makedirs(folder, exist_ok=True)
    lines = ["version = 1", ""]
    for i, (fmt, style) in enumerate(formats):
        lines += [f"[formatters.f{i}]", f"format = {toml_string(fmt)}",
                  f"style = {toml_string(style)}", ""]
    for i in range(len(formats)):
        lines += [f"[handlers.h{i}]", 'class = "file"', f'filename = "f{i}.log"',
                  f'formatter = "f{i}"', ""]
    lines += ["[root]", 'level = "DEBUG"',
              "handlers = [" + ", ".join(f'"h{i}"' for i in range(len(formats))) + "]", ""]
    with open(os.path.join(folder, "logging.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    with open(os.path.join(folder, "records.jsonl"), "w", encoding="utf-8") as f:
        for kv in records:
            f.write(json.dumps({"logger": "app.x", "level": "INFO", "msg": "msg a",
                                "kv": kv}, ensure_ascii=False) + "\n")


def run_side(program, case, work):
    """Runs one side on a copy of the case; its files (name -> bytes) and stderr."""
    cwd = os.path.join(work, "work")
    base = os.path.join(work, "base")
    shutil.copytree(case, cwd)
    os.makedirs(base)
    env = {
        "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "TZ": "Asia/Kolkata", "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1", "LOG_BASE_DIR": base,
        "LOGCONF_REPLAY_TIME": FIXED_TIME,
    }
    with open(os.path.join(cwd, "records.jsonl"), "rb") as stdin:
        done = subprocess.run(program + ["replay", "--config",
                                         os.path.join(cwd, "logging.toml")],
                              cwd=cwd, env=env, stdin=stdin, capture_output=True,
                              timeout=120)
    out = {}
    for name in os.listdir(base):
        with open(os.path.join(base, name), "rb") as f:
            out[name] = f.read()
    return done.returncode, out, done.stderr.decode("utf-8", "replace")


def differing(formats, records, logconf):
    """The formats whose files differ, with both outputs (a load failure of logconf
    counts against every format)."""
    with tempfile.TemporaryDirectory() as tmp:
        case = os.path.join(tmp, "case")
        write_case(case, formats, records)
        py_rc, py, py_err = run_side([sys.executable, os.path.join(HERE, "fixed_time.py")],
                                     case, os.path.join(tmp, "py"))
        if py_rc != 0:
            raise SystemExit(f"the oracle failed on a generated case:\n{py_err}")
        lc_rc, lc, lc_err = run_side([logconf], case, os.path.join(tmp, "lc"))
        if lc_rc != 0 and len(formats) > 1:
            # one format fails the load: halves, until the ones that do are found
            half = len(formats) // 2
            return differing(formats[:half], records, logconf) + [
                (i + half, f, a, b)
                for i, f, a, b in differing(formats[half:], records, logconf)
            ]
        out = []
        for i, f in enumerate(formats):
            name = f"f{i}.log"
            a, b = py.get(name, b""), lc.get(name, b"")
            if a != b or lc_rc != 0:
                out.append((i, f, a, b if lc_rc == 0 else lc_err.encode()))
        return out


def shrink(fmt, style, records, logconf):
    """A smaller format that still differs: parts dropped one at a time."""
    def still_differs(candidate):
        return (python_accepts(candidate, style, records)
                and differing([(candidate, style)], records, logconf))
    changed = True
    while changed:
        changed = False
        for cut in range(len(fmt)):
            for length in (8, 4, 2, 1):
                candidate = fmt[:cut] + fmt[cut + length:]
                if candidate and candidate != fmt and still_differs(candidate):
                    fmt = candidate
                    changed = True
                    break
            if changed:
                break
    # fewer records
    for i in range(len(records)):
        fewer = records[:i] + records[i + 1:]
        if fewer and python_accepts(fmt, style, fewer) and differing([(fmt, style)], fewer, logconf):
            return shrink(fmt, style, fewer, logconf)
    return fmt, records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logconf", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("LOGCONF_GEN_SEED", "1")))
    ap.add_argument("--cases", type=int, default=int(os.environ.get("LOGCONF_GEN_CASES", "8")))
    ap.add_argument("--formats", type=int, default=150, help="formats per case")
    ap.add_argument("--failures", default=None)
    ap.add_argument("--no-shrink", action="store_true")
    args = ap.parse_args()

    total = 0
    failures = []
    for case_no in range(args.cases):
        rng = random.Random(args.seed * 1_000_003 + case_no)
        records = value_sets(rng)
        formats = []
        while len(formats) < args.formats:
            style = rng.choice(["{", "%"])
            fmt = brace_format(rng) if style == "{" else percent_format(rng)
            if python_accepts(fmt, style, records):
                formats.append((fmt, style))
        total += len(formats)
        for i, (fmt, style), a, b in differing(formats, records, args.logconf):
            failures.append((fmt, style, records, a, b))
    print(f"seed {args.seed}: {total} formats in {args.cases} cases, "
          f"{len(failures)} differ")
    for n, (fmt, style, records, a, b) in enumerate(failures):
        if not args.no_shrink:
            fmt, records = shrink(fmt, style, records, args.logconf)
        found = differing([(fmt, style)], records, args.logconf)
        a, b = (found[0][2], found[0][3]) if found else (a, b)
        print(f"--- style {style!r} format {fmt!r}\n  records {json.dumps(records, ensure_ascii=False)}"
              f"\n  python  {a!r}\n  logconf {b!r}")
        if args.failures:
            write_case(os.path.join(args.failures, f"gen-{args.seed}-{n}"), [(fmt, style)], records)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
