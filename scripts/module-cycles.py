#!/usr/bin/env python3
"""Finds import cycles between the module files of Rust crates.

Usage: scripts/module-cycles.py [--tests] SRC_DIR [SRC_DIR ...]
       (e.g. scripts/module-cycles.py party-server/src party-protocol/src)

For every .rs file under each crate's src dir it collects the paths the file
uses -- `use crate::a::b`, `use super::…`, `use self::…`, `use child::…`, and
`crate::…` / `super::…` / imported-alias paths written in code -- resolves
each to the module file that defines the item, and reports every cycle of
files that use each other, directly or through others. Exit status 1 if
there is a cycle, 0 if none.

Resolution follows re-exports: `pub use child::Item` in a parent is an alias,
so a file naming `parent::Item` depends on `child`, not on `parent`, and the
re-export itself is no dependency of `parent` (a parent that only declares
and re-exports its children does not depend on them). A private `use` is a
dependency of the file that writes it. `mod child;` declarations are not
dependencies. `#[cfg(test)]` modules and items are skipped unless `--tests`
is given: tests may reach anything in their crate.

It reads source text (no macro expansion, no `#[path]`); paths that resolve
to nothing in the crate (std, dependencies) are ignored.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ITEM_KEYWORDS = {"fn", "struct", "enum", "trait", "type", "const", "static", "union", "mod"}
RUST_KEYWORDS = {
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "union",
}


# ---------------------------------------------------------------- lexing ----

def strip_comments_and_literals(src: str) -> str:
    """Blanks comments, strings and char literals, keeping newlines (line numbers)."""
    out = []
    i, n = 0, len(src)

    def blank(text: str) -> str:
        return "".join("\n" if c == "\n" else " " for c in text)

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(src[i:j]))
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(src[i:j]))
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(src, i)) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            end = '"' + m.group(1)
            j = src.find(end, m.end())
            j = n if j < 0 else j + len(end)
            out.append(blank(src[i:j]))
            i = j
        elif c == '"' or (c == "b" and src.startswith('b"', i) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_"))):
            j = i + (2 if c == "b" else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append(blank(src[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{..}') -- not a lifetime ('a).
            m = re.compile(r"'(\\(u\{[0-9a-fA-F]*\}|x[0-9a-fA-F]{2}|.)|[^\\'])'").match(src, i)
            if m:
                out.append(blank(m.group(0)))
                i = m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|::|#!?\[|[{}();,*=<>!\[\]]|\S")


def tokenize(src: str) -> list[tuple[str, int]]:
    text = strip_comments_and_literals(src)
    tokens = []
    for m in TOKEN.finditer(text):
        tokens.append((m.group(0), text.count("\n", 0, m.start()) + 1))
    return tokens


def is_ident(tok: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tok))


# ------------------------------------------------------------- parsing ----

class UseEntry:
    def __init__(self, segs, local, glob, reexport, scope, line):
        self.segs = segs          # path as written, e.g. ["super", "rounds", "expire_round"]
        self.local = local        # name it binds, None for a glob
        self.glob = glob
        self.reexport = reexport  # `pub …` use
        self.scope = scope        # inline module path inside the file
        self.line = line


class FileInfo:
    def __init__(self, path: Path, module: tuple[str, ...]):
        self.path = path
        self.module = module
        self.defined: set[str] = set()
        self.uses: list[UseEntry] = []
        self.code_paths: list[tuple[list[str], tuple[str, ...], int]] = []


def skip_attribute(tokens, i):
    """tokens[i] is `#[` or `#![`; returns the index after the closing `]`."""
    depth, j = 1, i + 1
    while j < len(tokens) and depth:
        t = tokens[j][0]
        if t in ("[", "#[", "#!["):
            depth += 1
        elif t == "]":
            depth -= 1
        j += 1
    return j


def skip_item(tokens, i):
    """Skips one item starting at i: up to its `;` or its balanced `{…}`."""
    depth, j = 0, i
    while j < len(tokens):
        t = tokens[j][0]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        elif t == ";" and depth == 0:
            return j + 1
        j += 1
    return j


def parse_use_tree(tokens, i, prefix, out, reexport, scope, line):
    """Parses a use tree at tokens[i]; appends UseEntry items; returns next index."""
    segs = list(prefix)
    if tokens[i][0] == "::":
        i += 1
    while i < len(tokens):
        t = tokens[i][0]
        if t == "{":
            i += 1
            while tokens[i][0] != "}":
                i = parse_use_tree(tokens, i, segs, out, reexport, scope, line)
                if tokens[i][0] == ",":
                    i += 1
            return i + 1
        if t == "*":
            out.append(UseEntry(segs, None, True, reexport, scope, line))
            return i + 1
        if is_ident(t):
            if t == "self" and segs:
                # `a::{self}` imports `a` itself
                name = segs[-1]
                i += 1
                if tokens[i][0] == "as":
                    name, i = tokens[i + 1][0], i + 2
                out.append(UseEntry(segs, name, False, reexport, scope, line))
                return i
            segs = segs + [t]
            i += 1
            if i < len(tokens) and tokens[i][0] == "::":
                i += 1
                continue
            name = t
            if i < len(tokens) and tokens[i][0] == "as":
                name, i = tokens[i + 1][0], i + 2
            out.append(UseEntry(segs, None if name == "_" else name, False, reexport, scope, line))
            return i
        return i + 1
    return i


def parse_file(info: FileInfo, include_tests: bool):
    tokens = tokenize(info.path.read_text(encoding="utf-8"))
    tokens.append(("<eof>", 0))
    scope: list[tuple[str, int]] = []  # inline modules: (name, brace depth inside)
    depth = 0
    i = 0
    while i < len(tokens) - 1:
        t, line = tokens[i]
        if t in ("#[", "#!["):
            j = skip_attribute(tokens, i)
            attr = " ".join(x for x, _ in tokens[i:j])
            if t == "#[" and not include_tests and re.search(r"\bcfg \( (all \( )?test\b", attr):
                # Skip the whole item the attribute is on (after any others).
                while tokens[j][0] == "#[":
                    j = skip_attribute(tokens, j)
                j = skip_item(tokens, j)
            i = j
            continue
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if scope and depth < scope[-1][1]:
                scope.pop()
        elif t == "use":
            reexport = i > 0 and (tokens[i - 1][0] == "pub" or (tokens[i - 1][0] == ")" and any(x == "pub" for x, _ in tokens[max(0, i - 6):i])))
            entries: list[UseEntry] = []
            j = parse_use_tree(tokens, i + 1, [], entries, reexport, tuple(n for n, _ in scope), line)
            info.uses.extend(entries)
            while tokens[j][0] != ";" and j < len(tokens) - 1:
                j += 1
            i = j + 1
            continue
        elif t == "mod" and is_ident(tokens[i + 1][0]) and tokens[i + 2][0] == "{":
            if not scope:
                info.defined.add(tokens[i + 1][0])
            scope.append((tokens[i + 1][0], depth + 1))
            depth += 1
            i += 3
            continue
        elif t in ITEM_KEYWORDS and is_ident(tokens[i + 1][0]) and not scope:
            info.defined.add(tokens[i + 1][0])
        elif t == "macro_rules" and tokens[i + 1][0] == "!" and not scope:
            info.defined.add(tokens[i + 2][0])
        elif is_ident(t) and t not in RUST_KEYWORDS - {"crate", "super", "self"} and tokens[i + 1][0] == "::" \
                and (i == 0 or tokens[i - 1][0] != "::"):
            segs, j = [t], i
            while tokens[j + 1][0] == "::" and is_ident(tokens[j + 2][0]):
                segs.append(tokens[j + 2][0])
                j += 2
            if len(segs) > 1:
                info.code_paths.append((segs, tuple(n for n, _ in scope), line))
            i = j + 1
            continue
        i += 1


# ----------------------------------------------------------- resolution ----

class Crate:
    def __init__(self, src: Path, include_tests: bool):
        self.src = src
        self.files: dict[tuple[str, ...], FileInfo] = {}
        self.others: list[FileInfo] = []  # binaries other than the crate root
        has_lib = (src / "lib.rs").exists()
        for path in sorted(src.rglob("*.rs")):
            rel = path.relative_to(src)
            parts = list(rel.parts)
            if parts == ["lib.rs"] or (parts == ["main.rs"] and not has_lib):
                module: tuple[str, ...] = ()
            elif parts == ["main.rs"] or parts[0] == "bin":
                info = FileInfo(path, ("<bin>", str(rel)))
                parse_file(info, include_tests)
                self.others.append(info)
                continue
            else:
                parts[-1] = parts[-1][:-3]
                if parts[-1] == "mod":
                    parts.pop()
                module = tuple(parts)
            info = FileInfo(path, module)
            parse_file(info, include_tests)
            self.files[module] = info
        # What each module binds by `use`: name -> (absolute path, entry).
        self.imports: dict[tuple[str, ...], dict[str, list[str]]] = defaultdict(dict)
        self.globs: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
        for module, info in self.files.items():
            for u in info.uses:
                if u.scope:
                    continue
                target = self.absolute(u.segs, module, u.scope, set(), for_use=True)
                if target is None:
                    continue
                if u.glob:
                    self.globs[module].append(target)
                elif u.local:
                    self.imports[module][u.local] = target

    def absolute(self, segs, module, scope, imports, for_use=False):
        """The crate-absolute form of a path written in `module` (+ inline `scope`)."""
        first = segs[0]
        base = list(module) + list(scope)
        if first == "crate":
            return segs[1:]
        if first in ("super", "self"):
            rest = list(segs)
            while rest and rest[0] in ("super", "self"):
                if rest.pop(0) == "super":
                    if not base:
                        return None
                    base.pop()
            return base + rest
        if tuple(base + [first]) in self.files:
            return base + list(segs)
        if not for_use and first in imports:
            return list(imports[first]) + list(segs[1:])
        return None

    def resolve(self, segs, seen=None) -> tuple[str, ...] | None:
        """The module file that defines the item an absolute path names."""
        seen = seen or set()
        key = tuple(segs)
        if key in seen:
            return None
        seen.add(key)
        cur: tuple[str, ...] = ()
        i = 0
        while i < len(segs) and cur + (segs[i],) in self.files:
            cur += (segs[i],)
            i += 1
        if i == len(segs):
            return cur
        name, rest = segs[i], list(segs[i + 1:])
        info = self.files[cur]
        if name in info.defined:
            return cur
        if name in self.imports[cur]:
            return self.resolve(list(self.imports[cur][name]) + rest, seen)
        for g in self.globs[cur]:
            hit = self.resolve(list(g) + [name] + rest, seen)
            if hit is not None and hit != tuple(g):
                return hit
        return cur if cur else None

    def edges(self):
        """(from module, to module) -> [(line, path text)] of the file's dependencies."""
        out: dict[tuple, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
        for module, info in list(self.files.items()) + [(o.module, o) for o in self.others]:
            file_module = module if module and module[0] != "<bin>" else ()
            local_imports = dict(self.imports.get(module, {})) if module in self.files else {}
            for u in info.uses:
                if u.reexport and not u.scope:
                    continue
                target = self.absolute(u.segs, file_module, u.scope, local_imports, for_use=True)
                if target is None:
                    continue
                hit = self.resolve(target) if not u.glob else self.resolve(target)
                if hit is not None and hit != module:
                    out[module][hit].append((u.line, "use " + "::".join(u.segs)))
            for segs, scope, line in info.code_paths:
                target = self.absolute(segs, file_module, scope, local_imports)
                if target is None:
                    continue
                hit = self.resolve(target)
                if hit is not None and hit != module:
                    out[module][hit].append((line, "::".join(segs)))
        return out

    def name(self, module) -> str:
        if module in self.files:
            return str(self.files[module].path)
        return module[1] if module and module[0] == "<bin>" else "::".join(module)


def cycles(edges) -> list[list]:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    nodes = set(edges) | {t for ts in edges.values() for t in ts}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def shortest_cycle(edges, comp):
    """One cycle through the component's first node, as a list of nodes."""
    start = comp[0]
    members = set(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in edges.get(v, {}):
            if w not in members:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def main(argv: list[str]) -> int:
    include_tests = "--tests" in argv
    dirs = [a for a in argv if a != "--tests"]
    if not dirs or any(a in ("-h", "--help") for a in dirs):
        print(__doc__.strip())
        return 2
    found = 0
    for d in dirs:
        src = Path(d)
        if not src.is_dir():
            print(f"{d}: not a directory", file=sys.stderr)
            return 2
        crate = Crate(src, include_tests)
        edges = crate.edges()
        comps = cycles(edges)
        total = sum(len(ts) for ts in edges.values())
        print(f"{d}: {len(crate.files) + len(crate.others)} files, {total} file dependencies, "
              f"{len(comps)} cycle(s)")
        for comp in comps:
            found += 1
            print(f"  cycle among {len(comp)} files:")
            for m in comp:
                print(f"    {crate.name(m)}")
            path = shortest_cycle(edges, comp)
            print("  for example:")
            for a, b in zip(path, path[1:]):
                line, text = edges[a][b][0]
                print(f"    {crate.name(a)}:{line} uses {text} -> {crate.name(b)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
