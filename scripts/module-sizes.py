#!/usr/bin/env python3
"""Lists the workspace's Rust modules by size, tests aside, and fails on any
over the limit.

A module's size is its line count up to its first `#[cfg(test)]` item: unit
tests at the end of a file (or a `tests.rs` child) don't count, since they
grow with the code they test rather than with what the module holds.
Integration-test files (a crate's `tests/` folder) and test-only modules are
skipped.

Usage: scripts/module-sizes.py [--limit N] [--all] DIR...
"""

import argparse
import pathlib
import sys


def code_lines(path: pathlib.Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.strip() == "#[cfg(test)]":
            return number
    return len(lines)


def is_test_module(path: pathlib.Path) -> bool:
    return path.name == "tests.rs" or "tests" in path.parts[:-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=pathlib.Path)
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--all", action="store_true", help="list every module, not only the largest")
    args = parser.parse_args()

    sizes = []
    for root in args.dirs:
        for path in sorted(root.rglob("*.rs")):
            if is_test_module(path.relative_to(root)):
                continue
            sizes.append((code_lines(path), path))
    sizes.sort(reverse=True)
    over = [(n, p) for n, p in sizes if n > args.limit]
    shown = sizes if args.all else sizes[:10]
    for n, p in shown:
        print(f"{n:6} {p}{'   <-- over the limit' if n > args.limit else ''}")
    print(f"{len(sizes)} modules, largest {sizes[0][0] if sizes else 0} lines (limit {args.limit}), {len(over)} over")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
