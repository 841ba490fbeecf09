#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The guest runner: every QEMU guest of the test scripts boots here.

It builds the QEMU command line of each kind of guest we run, owns the
time-outs (a hard kill when one runs out), the two channels of a guest
(its serial console, saved as the run's log, and the results channel,
saved as the run's .results file) and the logs directory build/logs/.
What runs inside is the initramfs's business (scripts/mkinitramfs,
scripts/guest/init); what the results mean is scripts/results.py's.
The lines the guest writes are defined in scripts/rl_protocol.py.

Commands:

  qemu.py logs NAME [--tag TAG] [--parts P,...]
      New run NAME-<yyyymmdd-hhmmss>[-TAG] in build/logs/: an empty .plan;
      NAME-latest.log and NAME-latest.results point at its .log and
      .results (with --parts: empty NAME-<time>-P files, each pointed at by
      NAME-latest-P, instead); only the 40 newest runs are kept.  Prints
      shell assignments run=, log=, results=, plan= (for eval).

  qemu.py boot --guest KIND --kernel F --initrd F --log F --results F
               [--timeout S] [--show check|demo|shell] [--dtb F] [--mem MiB]
      One guest, KIND one of
        test    x86_64 test kernel (also its debug and KCSAN variants):
                slub_debug, the host's TSC frequency, isa-debug-exit
        stock   x86_64, Debian's stock kernel: no slub_debug, no TSC hint
        bench   x86_64 benchmark guest: no slub_debug, loglevel=4, TSC
        arm64   qemu-system-aarch64 -M virt (cortex-a53), QEMU's own
                device tree or --dtb; results on a virtio console (hvc0)
      Every guest has 2 CPUs (x86: two sockets, see X86_SMP)
      and runs under TCG.  The console goes to --log; --show says what of
      it the terminal sees: check (default) the "rl-guest:" lines, demo
      what /init prints between RL-START and RL-DONE, shell all of it,
      with the terminal as the guest's console (-nographic).  Exit status:
      QEMU's, or 124 when the time-out stopped the guest (137 when it had
      to be killed); --timeout 0: no time-out.

  qemu.py pair --kernel F --initrd F --server F --base F [--mode check|demo]
               [--timeout S]
      Two x86_64 test-kernel guests, each with an ivshmem-doorbell device
      of one tools/ivshmem-server (1 MiB, 2 vectors; socket and memory in
      a private temporary directory).  Guest A is started first (ivshmem
      id 0, rl_ivshmem=master), guest B once A is connected (id 1,
      rl_ivshmem=remote, rebooting on reset).  When A's console says
      RL-PAIR-REBOOT-PEER, B is reset (system_reset on its monitor).
      Consoles and results in BASE-{a,b}.{log,results}, the server's log
      in BASE-server.log; afterwards BASE.log holds both consoles and
      BASE.results / BASE.plan the suite "ivshmem" (check: the TAP of
      both guests plus the host's own checks; demo: the demo's status) for
      scripts/results.py.  With --mode demo the terminal sees guest A's
      demo output.  Exit status: the --qemu-rc for scripts/results.py
      (check: 0, or 124/137 when guest A timed out; demo: guest A's).

  qemu.py machine arm64
      The machine arguments of the arm64 guest, one per line (for
      scripts/mk-virt-dtb, whose tree must match the boot's).

  --dry-run (boot, pair): print the QEMU command lines, boot nothing.
Messages go to stderr, prefixed with --name (the calling script's name).
"""

import argparse
import datetime
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import rl_protocol as P

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGDIR = os.path.join(ROOT, 'build', 'logs')
KEEP_RUNS = 40
# a run's files: <name>-<yyyymmdd>-<hhmmss>[<tag>].log (stock-6.1's name
# has a dot and so stays out, as it always has)
RUN_LOG = re.compile(r'^[a-z0-9-]+-[0-9]{8}-[0-9]{6}.*\.log$')
KILL_AFTER = 10          # seconds between the time-out's TERM and KILL
# -smp of the x86_64 guests: two CPUs as two sockets.  The test kernel
# has no ACPI and finds CPUs in SeaBIOS's MP table, which lists one CPU
# per socket: with "-smp 2" (two cores of one socket) it ran on one.
X86_SMP = '2,sockets=2,cores=1,threads=1'
ARM64_MACHINE = ['-M', 'virt', '-cpu', 'cortex-a53', '-smp', '2', '-m', '1024']
DEBUG_EXIT = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
NAME = 'qemu.py'


def say(msg):
    print(f'{NAME}: {msg}', file=sys.stderr, flush=True)


def die(msg):
    print(f'{NAME}: error: {msg}', file=sys.stderr, flush=True)
    sys.exit(1)


def rel(path):
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + '/') else path


# --- logs -----------------------------------------------------------------
def rotate(logdir):
    """Keep the KEEP_RUNS newest runs (by their .log) in logdir."""
    runs = [n for n in os.listdir(logdir) if RUN_LOG.match(n)]
    runs.sort(key=lambda n: os.lstat(os.path.join(logdir, n)).st_mtime,
              reverse=True)
    for old in runs[KEEP_RUNS:]:
        for ext in ('.log', '.results', '.plan'):
            try:
                os.unlink(os.path.join(logdir, old[:-len('.log')] + ext))
            except FileNotFoundError:
                pass


def link(logdir, target, name):
    tmp = os.path.join(logdir, f'.{name}.tmp')
    with_suppress(os.unlink, tmp)
    os.symlink(target, tmp)
    os.replace(tmp, os.path.join(logdir, name))


def with_suppress(fn, *args):
    try:
        fn(*args)
    except OSError:
        pass


def cmd_logs(a):
    os.makedirs(LOGDIR, exist_ok=True)
    run = f'{a.name}-{datetime.datetime.now():%Y%m%d-%H%M%S}'
    if a.tag:
        run += '-' + re.sub(r'[^A-Za-z0-9_.-]', '_', a.tag)
    base = os.path.join(LOGDIR, run)
    open(base + '.plan', 'w').close()
    if a.parts:
        for part in a.parts.split(','):
            open(f'{base}-{part}', 'w').close()
            link(LOGDIR, f'{run}-{part}', f'{a.name}-latest-{part}')
    else:
        for ext in ('log', 'results'):
            link(LOGDIR, f'{run}.{ext}', f'{a.name}-latest.{ext}')
    rotate(LOGDIR)
    for var, val in (('run', run), ('log', base + '.log'),
                     ('results', base + '.results'), ('plan', base + '.plan')):
        print(f'{var}={shlex.quote(val)}')
    return 0


# --- command lines --------------------------------------------------------
def tsc_khz():
    """The host's TSC frequency for tsc_early_khz= (x86 hosts), or ''.
    A TCG guest reads the host's TSC; without its frequency the test
    kernel, which has no ACPI and so no HPET or PM timer to calibrate
    against, runs on jiffies (4 ms steps)."""
    try:
        out = subprocess.run([os.path.join(ROOT, 'scripts', 'tsc-khz')],
                             capture_output=True, text=True, check=False)
    except OSError:
        return ''
    return out.stdout.strip() if out.returncode == 0 else ''


def tsc_args():
    khz = tsc_khz()
    return [f'tsc_early_khz={khz}', 'tsc=reliable'] if khz else []


def x86(kernel, initrd, mem, append, extra=()):
    return (['qemu-system-x86_64', '-accel', 'tcg', '-m', str(mem),
             '-smp', X86_SMP, '-kernel', kernel, '-initrd', initrd,
             '-append', ' '.join(append)] + list(extra))


BASE_APPEND = ['panic=-1', 'oops=panic']


def guest_cmd(a):
    """QEMU command line of one guest of kind a.guest."""
    if a.show == 'shell':
        chans = ['-nographic', '-serial', 'mon:stdio']
    else:
        chans = ['-display', 'none', '-monitor', 'none', '-serial', 'stdio']
    if a.guest == 'arm64':
        cmd = (['qemu-system-aarch64'] + ARM64_MACHINE +
               ['-accel', 'tcg', '-no-reboot', '-kernel', a.kernel,
                '-initrd', a.initrd, '-append',
                ' '.join(['console=ttyAMA0'] + BASE_APPEND +
                         ['slub_debug=FZPU'])])
        if a.dtb:
            cmd += ['-dtb', a.dtb]
        # virt has one UART: the results channel is a virtio console
        return cmd + chans + [
            '-device', 'virtio-serial-device',
            '-chardev', f'file,id=rlres,path={a.results}',
            '-device', 'virtconsole,chardev=rlres']
    append = ['console=ttyS0'] + BASE_APPEND
    extra = ['-no-reboot']
    if a.guest == 'test':
        append += ['slub_debug=FZPU'] + tsc_args()
        extra += DEBUG_EXIT
    elif a.guest == 'bench':
        # no slub_debug (it weighs on every allocation measured); the TSC
        # clocksource for nanosecond timestamps; kernel messages stay in
        # the log buffer, off the slow serial console
        append += ['loglevel=4'] + tsc_args()
        extra += DEBUG_EXIT
    return x86(a.kernel, a.initrd, a.mem or 512, append,
               extra + chans + ['-serial', f'file:{a.results}'])


# --- running one guest ----------------------------------------------------
class ConsoleView:
    """What of the console the terminal sees (--show)."""

    def __init__(self, show):
        self.show, self.buf, self.inside = show, b'', False

    def feed(self, data):
        if self.show == 'shell':
            return data
        self.buf += data
        *lines, self.buf = self.buf.split(b'\n')
        return b''.join(self.line(ln.decode('utf-8', 'replace').rstrip('\r'))
                        for ln in lines)

    def flush(self):
        out = self.feed(b'\n') if self.buf else b''
        return out

    def line(self, text):
        if self.show == 'check':
            if text.startswith(P.GUEST_SAY):
                return f'  guest: {text[len(P.GUEST_SAY):]}\n'.encode()
            return b''
        # demo: RL-START ... RL-DONE, without the protocol's own lines
        if text.startswith(P.START):
            self.inside = True
        shown = self.inside and not text.startswith(P.RL_PREFIX)
        if text.startswith(P.DONE):
            self.inside = False
        return (text + '\n').encode() if shown else b''


def stop(proc, grace=KILL_AFTER):
    """TERM, then KILL after grace seconds; 124 or 137 like timeout(1)."""
    with_suppress(proc.send_signal, signal.SIGTERM)
    try:
        proc.wait(grace)
        return 124
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return 137


class Watchdog:
    """timeout -k KILL_AFTER <seconds>: TERM when the time is up, KILL
    KILL_AFTER seconds later if the guest still runs.  Its console is
    drained meanwhile by the caller."""

    def __init__(self, proc, seconds):
        self.proc, self.state = proc, None
        self.timer = threading.Timer(seconds, self.term) if seconds else None
        if self.timer:
            self.timer.daemon = True
            self.timer.start()

    def term(self):
        if self.proc.poll() is not None:
            return
        self.state = 124
        with_suppress(self.proc.send_signal, signal.SIGTERM)
        self.timer = threading.Timer(KILL_AFTER, self.kill)
        self.timer.daemon = True
        self.timer.start()

    def kill(self):
        if self.proc.poll() is None:
            self.state = 137
            with_suppress(self.proc.kill)

    def result(self, rc):
        if self.timer:
            self.timer.cancel()
        return self.state if self.state is not None else rc


def run_guest(cmd, log, timeout, show):
    """Run cmd, its stdout (the console) into log and, filtered, to our
    stdout; returns QEMU's status or 124/137 on the time-out."""
    stdin = None if show == 'shell' else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE)
    dog = Watchdog(proc, timeout)
    view = ConsoleView(show)
    out = sys.stdout.buffer
    try:
        with open(log, 'wb') as f:
            while True:
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                f.write(data)
                f.flush()
                shown = view.feed(data)
                if shown:
                    out.write(shown)
                    out.flush()
        out.write(view.flush())
        out.flush()
    except KeyboardInterrupt:
        stop(proc, 2)
        raise
    return dog.result(proc.wait())


def cmd_boot(a):
    cmd = guest_cmd(a)
    if a.dry_run:
        print(shlex.join(cmd))
        return 0
    what = a.desc or 'booting'
    label = a.label + ': ' if a.label else ''
    say(f'{label}{what} (TCG, timeout {a.timeout}s); '
        f'console log: {rel(a.log)}')
    if a.show == 'shell':
        say('interactive: \'exit\' in the guest shell powers off; '
            'Ctrl-A X quits QEMU')
    start = time.monotonic()
    rc = run_guest(cmd, a.log, a.timeout, a.show)
    say(f'{label}guest ran {int(time.monotonic() - start)}s '
        f'(qemu exit {rc})')
    return rc


# --- two guests over ivshmem ----------------------------------------------
def pair_cmds(a, tmp):
    append = (['console=ttyS0'] + BASE_APPEND +
              ['slub_debug=FZPU', f'rl_ivshmem_mode={a.mode}'])
    dev = ['-display', 'none',
           '-chardev', f'socket,path={tmp}/ivshmem.sock,id=ivshmem',
           '-device', 'ivshmem-doorbell,chardev=ivshmem,vectors=2']
    cmds = {}
    mon_b = f'unix:{tmp}/b.mon,server=on,wait=off'
    for side, role, extra in (
            ('a', 'master', ['-no-reboot', '-monitor', 'none']),
            # B is reset, not stopped, by a reboot: no -no-reboot
            ('b', 'remote', ['-monitor', mon_b])):
        out = f'{a.base}-{side}'
        cmds[side] = x86(a.kernel, a.initrd, 256,
                         append + [f'rl_ivshmem={role}'],
                         dev + extra + ['-serial', f'file:{out}.log',
                                        '-serial', f'file:{out}.results'])
    return cmds


def monitor(path, command):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.settimeout(2)
        try:
            s.recv(4096)
        except OSError:
            pass
        s.sendall((command + '\n').encode())
        time.sleep(0.3)
        s.close()
        return True
    except OSError:
        return False


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except FileNotFoundError:
        return ''


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


class Timed:
    """A guest process under its own time-out (timeout -k 5 <timeout>)."""

    def __init__(self, cmd, timeout):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        self.deadline = time.monotonic() + timeout
        self.rc = None

    def alive(self):
        if self.rc is not None:
            return False
        if self.proc.poll() is not None:
            self.rc = self.proc.returncode
            return False
        if time.monotonic() > self.deadline:
            self.rc = stop(self.proc, 5)
            return False
        return True

    def wait(self):
        while self.alive():
            time.sleep(0.2)
        return self.rc


class DemoTail:
    """Guest A's demo output: its console from the first "== " line on,
    without the two-guest protocol's lines."""

    def __init__(self, path):
        self.path, self.pos, self.buf, self.on = path, 0, '', False

    def poll(self, final=False):
        try:
            with open(self.path, 'rb') as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return
        self.pos += len(data)
        self.buf += data.decode('utf-8', 'replace')
        *lines, self.buf = self.buf.split('\n')
        if final and self.buf:
            lines.append(self.buf)
            self.buf = ''
        for ln in lines:
            ln = ln.rstrip('\r')
            if ln.startswith(P.DEMO_PAIR_HEAD):
                self.on = True
            if self.on and not ln.startswith(P.RLT_PREFIX):
                print(ln, flush=True)


def pair_results(a, rc_a, reset_at, wall):
    """BASE.results and BASE.plan for scripts/results.py; its --qemu-rc."""
    res_a = read(f'{a.base}-a.results').split('\n')
    res_b = read(f'{a.base}-b.results').split('\n')
    if a.mode == 'demo':
        rcs = [P.value(rest) for m, rest in map(P.split, res_a)
               if m == P.RLT_DEMO_RC]
        lines = [P.line(P.START, 'demo'),
                 P.line(P.DEMO_RC, f'rc={rcs[-1] if rcs else 1}'), P.DONE]
        plan = ''
        qemu_rc = rc_a
    else:
        tap, n, bad = [], 0, 0

        def emit(ok, what):
            nonlocal n, bad
            n += 1
            tap.append(f'{"ok" if ok else "not ok"} {n} {what}')
            bad = bad or not ok
        for side in (res_a, res_b):
            for ln in side:
                ln = ln.rstrip('\r')
                m, rest = P.split(ln)
                if m in (P.RLT_OK, P.RLT_NOT_OK):
                    emit(m == P.RLT_OK, rest)
                elif ln.startswith('# '):
                    tap.append(ln)
        done_a = any(ln.startswith(P.line(P.RLT_DONE, 'a')) for ln in res_a)
        what = 'host: guest A ran every check and powered off'
        emit(done_a, what if done_a else
             f'{what} (exit {rc_a}; see {a.base}-a.log)')
        serving = sum(1 for ln in res_b
                      if ln.startswith(P.line(P.RLT_SERVING, 'b')))
        if reset_at is not None and serving >= 2:
            emit(True, 'host: guest B was reset mid-traffic (at '
                 f'{reset_at}s), booted again and served')
        else:
            at = 'never' if reset_at is None else f'{reset_at}s'
            emit(False, 'host: guest B was reset mid-traffic, booted again '
                 f'and served (reset: {at}, serving {serving}x)')
        tap.append(f'# two-guest wall time {wall}s')
        lines = ([P.line(P.START, 'check'),
                  P.line(P.SELFTEST_BEGIN, 'ivshmem'),
                  'TAP version 13', f'1..{n}'] + tap +
                 [P.line(P.SELFTEST_RC, 'ivshmem', f'rc={int(bad)}'),
                  P.line(P.SELFTEST_END, 'ivshmem'), P.DONE])
        plan = 'selftest ivshmem\n'
        qemu_rc = rc_a if rc_a in (124, 137) else 0
    with open(a.base + '.results', 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(a.base + '.plan', 'w') as f:
        f.write(plan)
    return qemu_rc


def cmd_pair(a):
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp()
    cmds = pair_cmds(a, tmp)
    server = [a.server, '-S', f'{tmp}/ivshmem.sock',
              '-M', f'{tmp}/ivshmem.shm', '-l', '1M', '-n', '2',
              '-L', f'{a.base}-server.log']
    if a.dry_run:
        for c in (server, cmds['a'], cmds['b']):
            print(shlex.join(c))
        shutil.rmtree(tmp)
        return 0
    procs = []
    try:
        say(f'starting the ivshmem server (1 MiB, 2 vectors) in {tmp}')
        procs.append(subprocess.Popen(server, stdin=subprocess.DEVNULL))
        if not wait_for(lambda: os.path.exists(f'{tmp}/ivshmem.sock'), 5):
            die('the ivshmem server did not start: ' +
                read(f'{a.base}-server.log'))
        # A gets ivshmem id 0, B id 1 (the server gives the lowest free
        # id): start B only once A is connected.
        say('booting guest A (master) and guest B (remote), TCG, '
            f'timeout {a.timeout}s')
        guest_a = Timed(cmds['a'], a.timeout)
        procs.append(guest_a.proc)
        if not wait_for(lambda: 'peer 0 connected' in
                        read(f'{a.base}-server.log'), 10):
            die('guest A never connected to the ivshmem server')
        guest_b = Timed(cmds['b'], a.timeout)
        procs.append(guest_b.proc)
        tail = DemoTail(f'{a.base}-a.log') if a.mode == 'demo' else None
        reset_at = None
        while guest_a.alive():
            if reset_at is None and any(
                    ln.startswith(P.PAIR_REBOOT_PEER)
                    for ln in read(f'{a.base}-a.log').split('\n')):
                reset_at = int(time.monotonic() - t0)
                say('guest A is mid-stream: resetting guest B (system_reset)')
                if not monitor(f'{tmp}/b.mon', 'system_reset'):
                    say('could not reach guest B\'s monitor')
            if tail:
                tail.poll()
            time.sleep(0.2)
        rc_a = guest_a.wait()
        if tail:
            tail.poll(final=True)
        monitor(f'{tmp}/b.mon', 'quit')
        wait_for(lambda: guest_b.proc.poll() is not None, 5)
    finally:
        for p in procs:
            if p.poll() is None:
                with_suppress(p.terminate)
        for p in procs:
            with_suppress(p.wait)
        shutil.rmtree(tmp, ignore_errors=True)
    wall = int(time.monotonic() - t0)
    say(f'both guests ran {wall}s in all (guest A exit {rc_a})' +
        (f'; guest B reset at {reset_at}s' if reset_at is not None else ''))
    # the two consoles as one log, for the kernel-error scan
    with open(a.base + '.log', 'wb') as out:
        for side in ('a', 'b'):
            with open(f'{a.base}-{side}.log', 'rb') as f:
                data = f.read()
                lines = data.split(b'\n')
                if data.endswith(b'\n'):
                    lines.pop()
                for ln in lines:
                    out.write(f'[guest {side.upper()}] '.encode() + ln + b'\n')
    return pair_results(a, rc_a, reset_at, wall)


# --- options --------------------------------------------------------------
def seconds(v):
    if not re.fullmatch(r'[0-9]+', v):
        raise argparse.ArgumentTypeError(f'a number of seconds, not {v!r}')
    return int(v)


def options(argv):
    ap = argparse.ArgumentParser(
        prog='qemu.py', description=__doc__,
        epilog='README.md, section "Guest runner", says which script runs '
        'which guest and documents the RL_* environment variables.',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--name', default='qemu.py',
                    help='prefix of the messages (the calling script)')
    sub = ap.add_subparsers(dest='cmd', required=True)

    p = sub.add_parser('logs', help='new run in build/logs/ (prints '
                       'run=, log=, results=, plan=)')
    p.add_argument('name', help='kind of run: check, stock-6.1, arm64, ...')
    p.add_argument('--tag', default='', help='appended to the run name '
                   '(other than [A-Za-z0-9_.-] becomes _)')
    p.add_argument('--parts', default='',
                   help='comma-separated files of a run of several guests')

    p = sub.add_parser('boot', help='boot one guest')
    p.add_argument('--guest', required=True,
                   choices=('test', 'stock', 'bench', 'arm64'))
    p.add_argument('--kernel', required=True)
    p.add_argument('--initrd', required=True)
    p.add_argument('--log', required=True, help='console log')
    p.add_argument('--results', required=True, help='results channel')
    p.add_argument('--timeout', type=seconds, default=900,
                   help='seconds, 0: none (default 900)')
    p.add_argument('--show', choices=('check', 'demo', 'shell'),
                   default='check', help='what the terminal sees')
    p.add_argument('--dtb', default='', help='arm64: device tree blob')
    p.add_argument('--mem', type=int, default=0,
                   help='MiB, x86 only (default 512; arm64: 1024)')
    p.add_argument('--label', default='', help='prefix of the messages')
    p.add_argument('--desc', default='', help='what boots, for the message')
    p.add_argument('--dry-run', action='store_true')

    p = sub.add_parser('pair', help='two x86_64 guests over ivshmem')
    p.add_argument('--kernel', required=True)
    p.add_argument('--initrd', required=True)
    p.add_argument('--server', required=True, help='ivshmem-server binary')
    p.add_argument('--base', required=True, help='build/logs/<run>')
    p.add_argument('--mode', choices=('check', 'demo'), default='check')
    p.add_argument('--timeout', type=seconds, default=900)
    p.add_argument('--dry-run', action='store_true')

    p = sub.add_parser('machine', help='machine arguments of a guest kind')
    p.add_argument('guest', choices=('arm64',))
    return ap.parse_args(argv)


def main(argv):
    global NAME
    a = options(argv)
    NAME = a.name
    if a.cmd == 'logs':
        return cmd_logs(a)
    if a.cmd == 'machine':
        print('\n'.join(ARM64_MACHINE))
        return 0
    if a.cmd == 'boot':
        return cmd_boot(a)
    return cmd_pair(a)


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
