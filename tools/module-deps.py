#!/usr/bin/env python3
"""Top-level module dependencies of src/ and the import circles among them.

Usage: python3 tools/module-deps.py [--edges]

A module `a` depends on `b` when a file under src/a/ (or src/a.rs) names `crate::b`
(a `use crate::b...` line or a path `crate::b::...` in code). Comments are skipped, and
so are test modules (`#[cfg(test)]` on a `mod … {` block): a test may build its inputs
from any layer (a transport machine's tests read chains from scenario YAML).
Prints the strongly connected groups of more than one module (import circles) and
exits 1 when there is one, 0 otherwise.
"""
import os, re, sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

def module_of(path):
    rel = os.path.relpath(path, SRC)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first

def code_lines(lines):
    """The lines of a file outside its `#[cfg(test)] mod … { … }` blocks."""
    i = 0
    while i < len(lines):
        if lines[i].strip() == "#[cfg(test)]":
            j = i + 1
            while j < len(lines) and lines[j].strip() == "":
                j += 1
            if j < len(lines) and re.match(r"\s*(pub(\(\w+\))? )?mod \w+ \{\s*$", lines[j]):
                depth = 0
                while j < len(lines):
                    code = lines[j].split("//")[0]
                    depth += code.count("{") - code.count("}")
                    j += 1
                    if depth == 0:
                        break
                i = j
                continue
        yield lines[i]
        i += 1

def edges():
    out = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            a = module_of(path)
            if a in ("lib", "main"):
                continue
            deps = out.setdefault(a, set())
            with open(path) as fh:
                lines = fh.readlines()
            for line in code_lines(lines):
                    code = line.split("//")[0]
                    for b in re.findall(r"crate::(\w+)", code):
                        if b != a:
                            deps.add(b)
                    m = re.match(r"\s*use crate::\{(.*)", code)
                    if m:
                        for b in re.findall(r"(\w+)(?:::|\s*[,}])", m.group(1)):
                            if b != a:
                                deps.add(b)
    mods = set(out)
    return {a: {b for b in d if b in mods} for a, d in out.items()}

def sccs(graph):
    index, low, stack, on, result, counter = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop(); on.discard(w); group.append(w)
                if w == v: break
            result.append(sorted(group))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result

g = edges()
if "--edges" in sys.argv:
    for a in sorted(g):
        print(f"{a} -> {' '.join(sorted(g[a]))}")
circles = [c for c in sccs(g) if len(c) > 1]
for c in circles:
    print("import circle:", " ".join(c))
print(f"{len(g)} modules, {sum(len(d) for d in g.values())} dependencies, {len(circles)} circle(s)")
sys.exit(1 if circles else 0)
