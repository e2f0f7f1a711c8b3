#!/usr/bin/env python3
"""Checks every relative link in README.md and docs/*.md: the file it points to exists and,
for a link into a Markdown file with `#anchor`, that file has a heading with that anchor
(GitHub's rule: lower case, punctuation dropped, spaces to hyphens).

Usage: python3 tools/check-links.py [ROOT]   (ROOT defaults to the repository's root)
Prints each broken link as `file:line: link: reason` and exits 1 if there is any.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..'))

# [text](target) and ![alt](target); the target ends at whitespace or ')'.
LINK = re.compile(r'!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')
CODE_SPAN = re.compile(r'(`+)(?:(?!\1).)+?\1')


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r'`([^`]*)`', r'\1', heading.strip())
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = text.lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(path, cache={}):
    if path not in cache:
        found = set()
        counts = {}
        in_fence = False
        with open(path, encoding='utf-8') as f:
            for line in f:
                if FENCE.match(line):
                    in_fence = not in_fence
                    continue
                m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
                if m and not in_fence:
                    base = slug(m.group(2))
                    n = counts.get(base, 0)
                    counts[base] = n + 1
                    found.add(base if n == 0 else f'{base}-{n}')
        cache[path] = found
    return cache[path]


def links(path):
    in_fence = False
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for m in LINK.finditer(CODE_SPAN.sub('', line)):
                yield number, m.group(1)


def check(path):
    problems = []
    for number, target in links(path):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition('#')
        if file_part:
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if not os.path.exists(dest):
                problems.append((number, target, 'no such file'))
                continue
        else:
            dest = path
        if anchor and dest.endswith('.md') and anchor not in anchors(dest):
            problems.append((number, target, f'no heading with anchor #{anchor}'))
    return problems


def main():
    files = [os.path.join(ROOT, 'README.md')]
    docs = os.path.join(ROOT, 'docs')
    files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith('.md'))
    broken = 0
    checked = 0
    for path in files:
        checked += sum(1 for _ in links(path))
        for number, target, reason in check(path):
            print(f'{os.path.relpath(path, ROOT)}:{number}: {target}: {reason}')
            broken += 1
    if broken:
        print(f'{broken} broken link(s)')
        return 1
    print(f'{checked} links in {len(files)} files: all resolve')
    return 0


if __name__ == '__main__':
    sys.exit(main())
