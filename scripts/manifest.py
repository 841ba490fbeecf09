# SPDX-License-Identifier: GPL-2.0
"""The test manifest (scripts/test-manifest): what every platform must run.

One line per suite a platform runs and per skip it is allowed:

    <platform> run <kunit|selftest> <program> <suite> <cases>
    <platform> skip <program> <case> <reason...>

A KUnit module (program) registers one or more suites; a selftest program
is one suite of its own name.  <cases> counts the leaves of the suite's
result tree: a parameterised KUnit case counts its parameters.  check()
compares a run with the manifest; update() rewrites a platform's lines from
a run (RL_MANIFEST=update make check), which is part of adding a test.
"""

import os
import re

PATH = os.environ.get('RL_MANIFEST_FILE') or \
    os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-manifest')
HEADER = """\
# SPDX-License-Identifier: GPL-2.0
#
# What every platform must run (scripts/results.py fails on any difference):
#   <platform> run <kunit|selftest> <program> <suite> <cases>
#   <platform> skip <program> <case> <reason>
# Platforms: x86 (make check's test kernel; check-debug and check-kcsan run
# the same plan), ivshmem, stock-6.1, arm64, arm64-dt.  A skip not listed
# here fails the run.  Adding, removing or renaming a test updates this
# file: RL_MANIFEST=update make check rewrites the lines of every platform
# that ran (review the diff; skip lines are kept and written by hand).
"""


class Manifest:
    def __init__(self, path=PATH):
        self.path = path
        self.runs = {}      # platform -> {(kind, program, suite): cases}
        self.skips = {}     # platform -> {(program, case): reason}
        self.errors = []
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            self.errors.append(f'{path} is missing')
            return
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith('#'):
                continue
            w = line.split()
            if len(w) == 6 and w[1] == 'run' and w[2] in ('kunit', 'selftest') \
                    and w[5].isdigit():
                self.runs.setdefault(w[0], {})[(w[2], w[3], w[4])] = int(w[5])
            elif len(w) >= 5 and w[1] == 'skip':
                self.skips.setdefault(w[0], {})[(w[2], w[3])] = ' '.join(w[4:])
            else:
                self.errors.append(f'{path}:{n}: cannot read "{line}"')


def in_scope(scope, kind, program, suite):
    """A run restricted by SUITE=<scope> covers the programs and KUnit
    suites whose name contains it (scripts/run-guest's rule)."""
    return not scope or scope in program or (kind == 'kunit' and scope in suite)


def check(man, platform, scope, got, skipped):
    """got: {(kind, program, suite): cases} of the run;
    skipped: {(program, case)} skipped in the run.
    Returns a list of differences (empty: the run matches)."""
    diffs = list(man.errors)
    want = {k: v for k, v in man.runs.get(platform, {}).items()
            if in_scope(scope, *k)}
    got = {k: v for k, v in got.items() if in_scope(scope, *k)}
    if not want and not man.errors:
        diffs.append(f'the manifest has no suite of platform "{platform}"'
                     + (f' matching "{scope}"' if scope else ''))
    for k in sorted(set(want) | set(got)):
        kind, program, suite = k
        what = f'{kind} {program}' + (f' suite {suite}' if kind == 'kunit' else '')
        if k not in got:
            diffs.append(f'{what}: did not run (the manifest expects '
                         f'{want[k]} cases)')
        elif k not in want:
            diffs.append(f'{what}: ran {got[k]} cases but is not in the '
                         'manifest (add it: RL_MANIFEST=update)')
        elif got[k] != want[k]:
            diffs.append(f'{what}: ran {got[k]} cases, the manifest expects '
                         f'{want[k]}')
    allowed = man.skips.get(platform, {})
    for program, case in sorted(skipped):
        if (program, case) not in allowed:
            diffs.append(f'{program}: case {case} skipped, and the manifest '
                         f'allows no skip of it on {platform}')
    return diffs


def update(man, platform, scope, got):
    """Rewrite the platform's run lines in scope from the run; keeps every
    other line (other platforms, skips, comments)."""
    runs = {k: v for k, v in man.runs.get(platform, {}).items()
            if not in_scope(scope, *k)}
    runs.update({k: v for k, v in got.items() if in_scope(scope, *k)})
    man.runs[platform] = runs
    out = [HEADER.rstrip('\n'), '']
    for plat in sorted(man.runs):
        for (kind, program, suite), cases in sorted(man.runs[plat].items()):
            out.append(f'{plat} run {kind} {program} {suite} {cases}')
    out.append('')
    for plat in sorted(man.skips):
        for (program, case), reason in sorted(man.skips[plat].items()):
            out.append(f'{plat} skip {program} {case} {reason}')
    tmp = man.path + '.tmp'
    with open(tmp, 'w') as f:
        f.write('\n'.join(out).rstrip('\n') + '\n')
    os.replace(tmp, man.path)


def case_name(name):
    """A case name as one manifest word."""
    return re.sub(r'\s+', '_', name.strip()) or 'unnamed'
