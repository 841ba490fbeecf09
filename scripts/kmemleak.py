# SPDX-License-Identifier: GPL-2.0
"""Judge a kmemleak report (the contents of /sys/kernel/debug/kmemleak
after a scan) for scripts/results.py: a leak is ours when a frame of its
allocation backtrace names one of our modules or symbols, or is a bare
address (a module unloaded before the scan: the guest loads no other
modules). Other unreferenced objects are listed as notes."""

import re

OURS = re.compile(r'\[rpmsg_lite\w*\]|\b(rl|rpmsg_lite)_\w+\+0x')
BARE = re.compile(r'^\s*\[<([0-9a-f]+)>\]\s+0x[0-9a-f]+\s*$')


def split(lines):
    """One list of lines per 'unreferenced object' record."""
    recs = []
    for line in lines:
        if line.startswith('unreferenced object'):
            recs.append([line])
        elif recs:
            recs[-1].append(line)
    return recs


def ours(rec):
    return any(OURS.search(l) or BARE.match(l) for l in rec)


def judge(block, lines):
    """Fill a results.py Block from the report lines."""
    recs = split(lines)
    mine = [r for r in recs if ours(r)]
    if mine:
        block.failed = len(mine)
        block.add_problem(f'{len(mine)} leak(s) attributed to our modules:')
        for r in mine[:5]:
            block.problems.extend('  ' + l.strip() for l in r if l.strip())
    else:
        block.passed = 1
    if len(recs) > len(mine):
        print(f'note: kmemleak: {len(recs) - len(mine)} unreferenced '
              f'object(s) outside our modules (not counted)')
