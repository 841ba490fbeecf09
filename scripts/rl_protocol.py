#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The line protocol between a test guest and the host, defined once.

A guest writes these markers at the start of a line, to its console and
(except RL-PAIR-REBOOT-PEER) to its results channel (scripts/qemu.py sets
the channels up). The host reads them in scripts/results.py,
scripts/bench-report and scripts/qemu.py, which import this module.

The guest side cannot import Python: scripts/guest/init and
scripts/guest/ivshmem-init are busybox sh, tools/rpmsg-lite-pair is C.
They write the markers literally, and `rl_protocol.py --check` (run by
make lint) fails when a file writes or matches a marker that is not
defined here, when a marker defined here is written by no guest-side
file, or when a Python file spells a marker out in a string instead of
importing it.

    rl_protocol.py --list     the markers, one per line, with their use
    rl_protocol.py --check    the check above (exit 1 on a finding)
"""

import os
import re
import sys

# name: (marker, arguments, meaning).  The marker is the first word of
# the line (RLT_OK / RLT_NOT_OK: the first two or three words).
MARKERS = {
    # scripts/guest/init: one run of the single-guest runner
    'START': ('RL-START', '<mode>',
              '/init started; mode check, demo or shell'),
    'DONE': ('RL-DONE', '',
             '/init finished every step and powers off'),
    'ERROR': ('RL-ERROR', '<text>',
              'a step could not run (insmod, rmmod, hang): fails the run'),
    'SPEED': ('RL-SPEED', 'cs=<n> scale=<percent>',
              'speed sample at boot and the time scale derived from it'),
    'KUNIT_BEGIN': ('RL-KUNIT-BEGIN', '<module>',
                    'a KUnit module is about to be loaded'),
    'INSMOD': ('RL-INSMOD', '<module> rc=<n>',
               'exit status of the KUnit module\'s insmod'),
    'KTAP_BEGIN': ('RL-KTAP-BEGIN', '<suite>',
                   'KTAP of one suite follows (debugfs results)'),
    'KTAP_END': ('RL-KTAP-END', '<suite>', 'end of that KTAP'),
    'KUNIT_END': ('RL-KUNIT-END', '<module>', 'the module is done'),
    'SELFTEST_BEGIN': ('RL-SELFTEST-BEGIN', '<program>',
                       'TAP of a selftest program follows'),
    'SELFTEST_RC': ('RL-SELFTEST-RC', '<program> rc=<n>',
                    'its exit status (0 or 4 accepted)'),
    'SELFTEST_END': ('RL-SELFTEST-END', '<program>', 'the program is done'),
    'DEMO_RC': ('RL-DEMO-RC', 'rc=<n>', 'exit status of the demo script'),
    'KMEMLEAK_BEGIN': ('RL-KMEMLEAK-BEGIN', '',
                       'kmemleak report follows (RL_KMEMLEAK=1)'),
    'KMEMLEAK_END': ('RL-KMEMLEAK-END', '', 'end of the kmemleak report'),
    # tools/rpmsg-lite-pair outage, on guest A's console: the host resets B
    'PAIR_REBOOT_PEER': ('RL-PAIR-REBOOT-PEER', 'after <n> echoes',
                         'guest A is mid-stream: the host resets guest B'),
    # scripts/guest/ivshmem-init: the two-guest suite
    'RLT_OK': ('RLT ok', '<side>: <what>', 'one check passed (TAP line)'),
    'RLT_NOT_OK': ('RLT not ok', '<side>: <what>', 'one check failed'),
    'RLT_BOOT': ('RLT-BOOT', '<side> <uptime>', 'a guest of the pair booted'),
    'RLT_SERVING': ('RLT-SERVING', 'b',
                    'guest B serves its echo endpoints (again after a reset)'),
    'RLT_DONE': ('RLT-DONE', '<side>', 'that guest ran every check'),
    'RLT_DEMO_RC': ('RLT-DEMO-RC', 'rc=<n>',
                    'exit status of scripts/guest/ivshmem-demo.sh'),
}

# Every marker as a module constant of its name: rl_protocol.START, ...
globals().update({name: m[0] for name, m in MARKERS.items()})

# Every marker of a single-guest run begins so; the runner keeps such
# lines out of the demo's output.
RL_PREFIX = 'RL-'
# and every line of the two-guest suite's protocol so.
RLT_PREFIX = 'RLT'

# Lines of guest A's console that begin the ivshmem demo's output.
DEMO_PAIR_HEAD = '== '
# Console lines of /init meant for the host's terminal ("  guest: ...").
GUEST_SAY = 'rl-guest: '


def line(marker, *args):
    """One protocol line: the marker and its arguments, space separated."""
    return ' '.join((marker,) + tuple(str(a) for a in args))


def value(rest, key='rc'):
    """The value of key=<value> in a marker line's arguments, or None."""
    m = re.search(r'(?:^|\s)' + re.escape(key) + r'=(\S*)', rest)
    return m.group(1) if m else None


def split(text):
    """(marker, rest) when text is a protocol line, else (None, text)."""
    for marker in sorted((m for m, _, _ in MARKERS.values()),
                         key=len, reverse=True):
        if text == marker or text.startswith(marker + ' '):
            return marker, text[len(marker) + 1:]
    return None, text


# --- the consistency check ---------------------------------------------------
TOKEN = re.compile(r'\bRLT?-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*|\bRLT (?:not )?ok\b')
QUOTED = re.compile('(?<=[\'"])(?:' + TOKEN.pattern + ')')
GUEST_SIDE = ('scripts/guest/', 'tools/')


def shebang_python(path):
    try:
        with open(path, 'rb') as f:
            first = f.readline()
    except OSError:
        return False
    return path.endswith('.py') or (first.startswith(b'#!') and
                                     b'python' in first)


def files(root):
    for top in ('scripts', 'tools'):
        for d, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(x for x in dirs if x != '__pycache__')
            for n in sorted(names):
                p = os.path.join(d, n)
                rel = os.path.relpath(p, root)
                if rel == 'scripts/rl_protocol.py':
                    continue
                if (rel.startswith('scripts/') or
                        n.endswith(('.c', '.h', '.sh'))):
                    yield rel, p


def check(root):
    defined = {m for m, _, _ in MARKERS.values()}
    emitted, findings = set(), []
    for rel, path in files(root):
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
        except OSError:
            continue
        py = shebang_python(path)
        for no, ln in enumerate(text.split('\n'), 1):
            if py:
                # a marker in a string literal, not in a comment or a
                # docstring's prose
                for tok in QUOTED.findall(ln):
                    findings.append(f'{rel}:{no}: marker {tok} spelled out: '
                                    'use rl_protocol')
                continue
            for tok in TOKEN.findall(ln):
                if tok not in defined:
                    findings.append(f'{rel}:{no}: marker {tok} is not '
                                    'defined in scripts/rl_protocol.py')
                elif rel.startswith(GUEST_SIDE):
                    emitted.add(tok)
    for m in sorted(defined - emitted):
        findings.append(f'scripts/rl_protocol.py: marker {m} is defined but '
                        'no guest-side file (scripts/guest/, tools/) '
                        'writes it')
    return findings


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if argv[1:] == ['--list']:
        for m, args, what in MARKERS.values():
            print(f'{(m + " " + args).strip():40} {what}')
        return 0
    if argv[1:] == ['--check']:
        findings = check(root)
        for f in findings:
            print(f)
        if findings:
            return 1
        print(f'rl_protocol: clean ({len(MARKERS)} markers)')
        return 0
    print(__doc__.strip().split('\n\n')[-1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
