#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a guest run: parse the KTAP/TAP blocks of the result channel with
kunit_parser (linux-source tools/testing/kunit), scan the serial console log
for kernel error reports, compare what ran with the test manifest
(scripts/manifest.py), print one line per suite and, for `check`, end with
the line "N passed, N failed, N skipped". Exit 1 on any problem.

RL_PARTIAL=1 (a quick local run only) turns two failures into notes: a
result counted without kunit_parser, and differences from the manifest.
RL_MANIFEST=update rewrites the platform's manifest lines from the run."""

import argparse
import contextlib
import io
import os
import re
import sys

import manifest
import rl_protocol as P

# Kernel reports that fail a run even when every test passed.
BAD = [
    r'\bBUG:', r'\bBUG [\w.:()-]+ \(.*\): ', r'WARNING:', r'\bOops\b',
    r'KASAN', r'UBSAN', r'possible recursive locking',
    r'circular locking', r'INFO: lockdep', r'INFO: possible',
    r'INFO: task .* blocked', r'Kernel panic', r'general protection fault',
    r'Call Trace:', r'Call trace:', r'list_(add|del) corruption',
    r'kernel BUG at', r'Unable to handle kernel',
    # RCU stalls (x86 "rcu: INFO: rcu_preempt detected stalls", arm64 the
    # same), lockup detectors and the workqueue watchdog
    r'detected stalls? on CPUs', r'self-detected stall', r'rcu_.*stall',
    r'soft lockup', r'hard LOCKUP', r'workqueue lockup',
]
BAD_RE = re.compile('|'.join(BAD))


def load_parser(ksrc):
    sys.path.insert(0, ksrc + '/tools/testing/kunit')
    try:
        import kunit_parser
        import kunit_printer
    except ImportError as e:
        print(f'{"note" if PARTIAL else "error"}: kunit_parser unavailable '
              f'({e}); counting TAP lines')
        return None
    kunit_printer.stdout._use_color = False
    kunit_parser.stdout = kunit_printer.stdout
    return kunit_parser


PARTIAL = os.environ.get('RL_PARTIAL', '0') not in ('', '0')


class Block:
    """One suite's result: counts and what went wrong."""

    def __init__(self, kind, name, program=None):
        self.kind, self.name = kind, name
        self.program = program or name
        self.suite = name
        self.passed = self.failed = self.skipped = 0
        self.problems = []
        self.failed_cases = []
        self.skipped_cases = []

    def add_problem(self, msg):
        self.problems.append(msg)

    def ok(self):
        return not self.failed and not self.problems


def count_fallback(lines, block):
    """Count the deepest-level ok/not ok lines (KTAP or kselftest TAP):
    a failure of the block unless RL_PARTIAL is set, since the nesting
    (parameterised cases, crashed suites) is guessed."""
    if not PARTIAL:
        block.add_problem('counted by the fallback TAP parser, not '
                          'kunit_parser (RL_PARTIAL=1 accepts it)')
    res = re.compile(r'^(\s*)(ok|not ok) \d+\s*(?:- )?([^#]*?)\s*(#\s*(\w+).*)?$')
    found = [(len(m.group(1)), m) for m in map(res.match, lines) if m]
    if not found:
        block.add_problem('no test results in its output')
        return
    depth = max(d for d, _ in found)
    for d, m in found:
        if d != depth:
            continue
        if m.group(5) and m.group(5).upper() == 'SKIP':
            block.skipped += 1
            block.skipped_cases.append(m.group(3))
        elif m.group(2) == 'ok':
            block.passed += 1
        else:
            block.failed += 1
            block.failed_cases.append(m.group(3))


def count(parser, lines, block):
    if parser is None:
        count_fallback(lines, block)
        return
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            parser.stdout._output = out
            test = parser.parse_run_tests(lines)
    except Exception as e:  # a parser crash must not hide the results
        print(f'note: kunit_parser failed on {block.name} ({e}); counting TAP lines')
        count_fallback(lines, block)
        return
    c = test.counts
    block.passed, block.skipped = c.passed, c.skipped
    block.failed = c.failed + c.crashed
    if c.errors:
        block.add_problem(f'{c.errors} KTAP parse error(s)')
    if c.total() == 0:
        block.add_problem('no test results in its output')

    def walk(t, prefix):
        name = f'{prefix}.{t.name}' if prefix else t.name
        if not t.subtests:
            if t.status == parser.TestStatus.SKIPPED:
                block.skipped_cases.append(name)
            elif t.status != parser.TestStatus.SUCCESS:
                block.failed_cases.append(f'{name} ({t.status.name.lower()})')
        for s in t.subtests:
            walk(s, name if t.name else '')
    # the root is the parser's own ("main"): names start below it
    for s in test.subtests:
        walk(s, '')


def name_unnamed(lines):
    """kselftest_harness.h of 6.1 prints a skipped test as "ok N # SKIP
    reason", without its name, which kunit_parser rejects: put back the
    name from the preceding "#  RUN <name> ..." line."""
    run = re.compile(r'^#\s+RUN\s+(\S+)')
    bare = re.compile(r'^((?:not )?ok \d+) (# .*)$')
    out, last = [], 'unnamed'
    for line in lines:
        m = run.match(line)
        if m:
            last = m.group(1)
        m = bare.match(line)
        out.append(f'{m.group(1)} {last} {m.group(2)}' if m else line)
    return out


def read_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('utf-8', 'replace')
    except FileNotFoundError:
        return []
    return [l.rstrip('\r') for l in data.split('\n')]


def parse_channel(lines):
    """Split the result channel into per-module / per-binary records."""
    recs, errors, flags = {}, [], {'start': False, 'done': False}
    cur = None            # current kunit module or selftest record
    ktap = None           # current KTAP block (suite, lines)
    leaks = None          # kmemleak report lines
    marker_line = re.compile('^' + re.escape(P.RL_PREFIX) + r'\S')
    for line in lines:
        if leaks is not None:
            if line == P.KMEMLEAK_END:
                flags['kmemleak'] = leaks
                leaks = None
            else:
                leaks.append(line)
            continue
        if line == P.KMEMLEAK_BEGIN:
            leaks = []
            continue
        if ktap is not None:
            if line == P.line(P.KTAP_END, ktap[0]):
                cur['suites'].append(ktap)
                ktap = None
            else:
                ktap[1].append(line)
            continue
        if not marker_line.match(line):
            if cur is not None and cur['kind'] == 'selftest':
                cur['lines'].append(line)
            continue
        # an RL- line the protocol does not define is ignored
        tag, rest = P.split(line)
        rest = rest.strip()
        if tag == P.START:
            flags['start'] = True
        elif tag == P.DONE:
            flags['done'] = True
        elif tag == P.ERROR:
            errors.append(rest)
        elif tag in (P.KUNIT_BEGIN, P.SELFTEST_BEGIN):
            kind = 'kunit' if tag == P.KUNIT_BEGIN else 'selftest'
            cur = {'kind': kind, 'name': rest, 'suites': [], 'lines': [],
                   'rc': None, 'end': False, 'errors': []}
            recs[(kind, rest)] = cur
        elif tag in (P.INSMOD, P.SELFTEST_RC) and cur is not None:
            cur['rc'] = rest.split('rc=')[-1]
        elif tag == P.KTAP_BEGIN and cur is not None:
            ktap = (rest, [])
        elif tag in (P.KUNIT_END, P.SELFTEST_END) and cur is not None:
            cur['end'] = True
            cur = None
        elif tag == P.DEMO_RC:
            flags['demo_rc'] = rest.split('rc=')[-1]
        if tag == P.ERROR and cur is not None:
            cur['errors'].append(rest)
    return recs, errors, flags


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', required=True)
    ap.add_argument('--qemu-rc', type=int, required=True)
    ap.add_argument('--timeout', type=int, default=0)
    ap.add_argument('--log', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--plan', required=True)
    ap.add_argument('--ksrc', required=True)
    ap.add_argument('--suite-filter', default='')
    ap.add_argument('--lint-failed', action='store_true')
    ap.add_argument('--label', default='',
                    help='prefix of the suite names, e.g. arm64 or stock-6.1')
    ap.add_argument('--platform', default='',
                    help='manifest platform (default: the label, or x86)')
    ap.add_argument('--scope', default='',
                    help='the SUITE restriction of the run, if any')
    a = ap.parse_args()

    fatal = []
    if a.qemu_rc in (124, 137):
        fatal.append(f'guest timed out after {a.timeout}s')
    elif a.qemu_rc != 0:
        fatal.append(f'qemu exited with status {a.qemu_rc}')

    console = read_lines(a.log)
    # Kernel lines only (PRINTK_TIME prefix somewhere in the line, which
    # may be interleaved with user-space output), not test programs' text.
    kline = re.compile(r'\[\s*\d+\.\d+\]')
    bad = [l for l in console if BAD_RE.search(l) and kline.search(l)]
    if bad:
        fatal.append('kernel error report(s) on the console:\n    ' +
                     '\n    '.join(bad[:40]) +
                     (f'\n    ... {len(bad) - 40} more' if len(bad) > 40 else ''))

    # every guest is started with two CPUs: a kernel that brought up fewer
    # tests no concurrency (it happened: see X86_SMP in qemu.py)
    ncpu = [m.group(1) for m in
            (re.search(r'smp: Brought up \d+ nodes?, (\d+) CPUs?', l)
             for l in console) if m]
    if ncpu and int(ncpu[0]) < 2:
        fatal.append(f'the guest kernel brought up {ncpu[0]} CPU, not 2')

    recs, errors, flags = parse_channel(read_lines(a.results))
    for e in errors:
        fatal.append(f'guest: {e}')
    if not flags['start']:
        fatal.append('the guest never started its init script')
    elif not flags['done'] and a.qemu_rc not in (124, 137):
        fatal.append('the guest stopped before finishing (crash or panic?)')

    if a.mode == 'demo' and flags.get('demo_rc', '0') != '0':
        fatal.append(f'scripts/guest/demo.sh exited with status {flags["demo_rc"]}')

    blocks = []
    if a.lint_failed:
        b = Block('lint', 'checkpatch/kernel-doc/sparse/W=1')
        b.add_problem('findings above (make lint)')
        blocks.append(b)
    if a.mode == 'check':
        parser = load_parser(a.ksrc)
        plan = [l.split(None, 1) for l in read_lines(a.plan) if l.strip()]
        for kind, name in plan:
            rec = recs.get((kind, name))
            if kind == 'kunit':
                label = f'kunit module {name}'
                if rec is None:
                    b = Block('kunit', name)
                    b.add_problem('produced no output (guest died before it?)')
                    blocks.append(b)
                    continue
                if rec['rc'] is None:
                    b = Block('kunit', name)
                    b.add_problem('did not finish loading (crashed?): ' +
                                  ('; '.join(rec['errors']) or 'no insmod result'))
                    blocks.append(b)
                    continue
                if rec['rc'] != '0':
                    fatal.append(f'{label}: insmod failed (status {rec["rc"]})')
                if not rec['end']:
                    fatal.append(f'{label}: did not finish')
                suites = rec['suites']
                if a.suite_filter:
                    suites = [s for s in suites if a.suite_filter in s[0]]
                elif not suites:
                    b = Block('kunit', name)
                    b.add_problem('registered no KUnit suite (crashed or empty?)')
                    blocks.append(b)
                for sname, lines in suites:
                    b = Block('kunit', sname, name)
                    count(parser, lines, b)
                    blocks.append(b)
            else:
                b = Block('selftest', name)
                blocks.append(b)
                if rec is None:
                    b.add_problem('produced no output (guest died before it?)')
                    continue
                if rec['rc'] is None:
                    b.add_problem('did not run: ' +
                                  ('; '.join(rec['errors']) or 'no exit status'))
                    continue
                count(parser, name_unnamed(rec['lines']), b)
                if rec['rc'] not in ('0', '4') and not b.failed:
                    b.add_problem(f'exited with status {rec["rc"]}')

        platform = a.platform or a.label or 'x86'
        got, skipped = {}, set()
        for b in blocks:
            if b.kind not in ('kunit', 'selftest'):
                continue
            n = b.passed + b.failed + b.skipped
            if n or not b.problems:
                got[(b.kind, b.program, b.suite)] = n
            skipped.update((b.program, manifest.case_name(c))
                           for c in b.skipped_cases)
        man = manifest.Manifest()
        if os.environ.get('RL_MANIFEST') == 'update':
            if not fatal and all(b.ok() for b in blocks):
                manifest.update(man, platform, a.scope, got)
                print(f'manifest: {platform} lines rewritten from this run '
                      f'({len(got)} suites): review the diff of '
                      'scripts/test-manifest')
            else:
                print('manifest: not updated, the run failed')
        else:
            diffs = manifest.check(man, platform, a.scope, got, skipped)
            if diffs:
                b = Block('manifest', 'scripts/test-manifest' if a.label
                          else f'{platform}: scripts/test-manifest')
                for d in diffs:
                    b.add_problem(d)
                if PARTIAL:
                    print('note: differences from the manifest (RL_PARTIAL):')
                    for d in diffs:
                        print(f'        {d}')
                else:
                    blocks.append(b)

        if 'kmemleak' in flags:
            import kmemleak
            b = Block('kmemleak', 'scan after the last step')
            kmemleak.judge(b, flags['kmemleak'])
            blocks.append(b)

        for b in blocks:
            state = 'PASS' if b.ok() else 'FAIL'
            if a.label and b.kind != 'lint':
                b.name = f'{a.label}/{b.name}'
            print(f'{state}  {b.kind:8} {b.name}: {b.passed} passed, '
                  f'{b.failed} failed, {b.skipped} skipped')
            for c in b.failed_cases:
                print(f'        failed: {c}')
            for p in b.problems:
                print(f'        {p}')

    passed = sum(b.passed for b in blocks)
    failed = sum(b.failed if b.failed else (1 if b.problems else 0)
                 for b in blocks)
    skipped = sum(b.skipped for b in blocks)
    ran = sum(b.passed + b.failed for b in blocks)
    if a.mode == 'check' and ran == 0:
        fatal.append('no test ran' +
                     (f' (no suite matches "{a.suite_filter}")' if a.suite_filter else ''))

    for f in fatal:
        print(f'error: {f}')
    if fatal:
        # A run-level problem counts as one failure, so that the summary
        # line never reads "0 failed" for a failed run.
        run = f'{a.label}/run' if a.label else 'run'
        print(f'FAIL  guest    {run}: {len(fatal)} problem(s) above')
        failed += 1
    if fatal or failed:
        print(f'console log: {a.log}')
    if a.mode == 'check':
        print(f'{passed} passed, {failed} failed, {skipped} skipped')
    elif not fatal:
        print(f'{a.mode}: guest ran cleanly')
    sys.stdout.flush()
    return 1 if fatal or failed else 0


if __name__ == '__main__':
    sys.exit(main())
