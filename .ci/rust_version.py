#!/usr/bin/env python3
"""Checks that a package's `rust-version` is at least the highest `rust-version`
declared by the crates its locked dependency tree builds (normal dependencies, the
default features), as `cargo metadata` reports them.

    python3 .ci/rust_version.py [PACKAGE [CARGO TREE FLAGS...]]   # default: logconf
"""
import json
import subprocess
import sys

package = sys.argv[1] if len(sys.argv) > 1 else "logconf"
flags = sys.argv[2:]


def version_key(text):
    return tuple(int(part) for part in text.split("."))


metadata = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--locked"],
    check=True, capture_output=True, text=True).stdout)
by_id = {(p["name"], p["version"]): p for p in metadata["packages"]}
tree = subprocess.run(
    ["cargo", "tree", "--locked", "-e", "normal", "-p", package, "--prefix", "none",
     "--format", "{p}"] + flags,
    check=True, capture_output=True, text=True).stdout
names = set()
for line in tree.splitlines():
    parts = line.replace(" (*)", "").split()
    if len(parts) >= 2:
        names.add((parts[0], parts[1].lstrip("v")))
own = next(p for p in metadata["packages"] if p["name"] == package)
declared = own.get("rust_version")
needed = max(
    ((by_id[n].get("rust_version") or "0", n) for n in names if n in by_id and n[0] != package),
    key=lambda item: version_key(item[0]))
print(f"{package}: rust-version {declared}; the highest in its {len(names)} crates: "
      f"{needed[0]} ({needed[1][0]} {needed[1][1]})")
if declared is None or version_key(declared) < version_key(needed[0]):
    sys.exit(f"{package}'s rust-version ({declared}) is below {needed[0]}, which "
             f"{needed[1][0]} {needed[1][1]} declares: raise it in Cargo.toml")
