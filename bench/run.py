#!/usr/bin/env python3
"""The benchmark suite: runs every benchmark piece, prints one table, writes it to a file.

    python3 bench/run.py [--quick] [--only SECTION ...] [--out FILE] [--no-build]

Each piece is a command that takes `--quick` and `--json PATH` and writes a JSON array of rows
{"section", "what", "ours", "reference", "ratio", "goal"} (bench/README.md). This script builds the
solution in Release once, runs the pieces one after another (never side by side, so they do not
steal each other's cores), and writes a Markdown table with the date, the exact command, the
machine and its load before and after to bench/results/latest.md (or --out).

A piece that fails or is missing shows as a row saying so; the suite still finishes.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = 'bin/Release/net10.0'


def dll(project_dir, name):
    return ['dotnet', os.path.join(ROOT, project_dir, BIN, name + '.dll')]


# (section, command). The order is the order of the table.
PIECES = [
    ('kernel', dll('bench/Factorizer.Bench', 'Factorizer.Bench')),
    ('kernel', dll('bench/Factorizer.Bench', 'Factorizer.Bench') + ['wide']),
    ('pipeline', [sys.executable, os.path.join(ROOT, 'bench/pipeline.py')]),
    ('startup', [sys.executable, os.path.join(ROOT, 'bench/seed_workload.py')]),
    ('queue', dll('bench/Factorizer.WireBench', 'Factorizer.WireBench') + ['--section', 'queue']),
    ('scale', dll('bench/Factorizer.WireBench', 'Factorizer.WireBench') + ['--section', 'scale']),
    ('payloads', [sys.executable, os.path.join(ROOT, 'bench/payload_roundtrip.py')]),
]


def load_average():
    try:
        with open('/proc/loadavg', encoding='ascii') as f:
            return ' '.join(f.read().split()[:3])
    except OSError:
        return 'unknown'


def cpu_model():
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def goal_met(goal, ratio):
    """'>= 3x' (or 'within 2x (ratio >= 0.5)') with ratio 3.2 -> 'yes'; no bound or no ratio -> ''."""
    if ratio is None or not goal:
        return ''
    m = re.search(r'(>=|<=)\s*([0-9.]+)', goal)
    if not m:
        return ''
    bound = float(m.group(2))
    ok = ratio >= bound if m.group(1) == '>=' else ratio <= bound
    return 'yes' if ok else 'no'


def run_piece(section, command, quick, timeout):
    executable = command[1]
    if not os.path.exists(executable):
        return [{'section': section, 'what': 'not run', 'ours': '', 'reference': '',
                 'ratio': None, 'goal': '', 'note': 'missing: ' + os.path.relpath(executable, ROOT)}]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'rows.json')
        argv = command + (['--quick'] if quick else []) + ['--json', out]
        print('$ ' + ' '.join(shlex.quote(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a) for a in argv),
              flush=True)
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, cwd=ROOT, timeout=timeout)
            failed = proc.returncode != 0 and f'exit code {proc.returncode}'
        except subprocess.TimeoutExpired:
            failed = f'timed out after {timeout} s'
        seconds = time.monotonic() - started
        rows = []
        if os.path.exists(out):
            with open(out, encoding='utf-8') as f:
                rows = json.load(f)
        if failed or not rows:
            rows.append({'section': section, 'what': 'piece failed', 'ours': '', 'reference': '',
                         'ratio': None, 'goal': '', 'note': failed or 'no rows'})
        print(f'  ({seconds:.0f} s)', flush=True)
        return rows


def cell(text):
    return str(text).replace('|', '\\|')


def table(rows):
    lines = ['| section | what | ours | reference | ratio | goal | met |',
             '|---|---|---|---|---|---|---|']
    for r in rows:
        ratio = r.get('ratio')
        ratio_text = '' if ratio is None else (f'{ratio:.2f}×' if ratio < 10 else f'{ratio:.0f}×')
        what = r.get('what', '')
        if r.get('note'):
            what = f'{what} ({r["note"]})'
        lines.append('| ' + ' | '.join(cell(x) for x in (
            r.get('section', ''), what, r.get('ours', ''), r.get('reference', ''), ratio_text,
            r.get('goal', ''), goal_met(r.get('goal', ''), ratio))) + ' |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='a smoke run: small inputs, few repeats')
    parser.add_argument('--only', nargs='+', metavar='SECTION', help='run only these sections')
    parser.add_argument('--out', default=os.path.join(ROOT, 'bench/results/latest.md'))
    parser.add_argument('--no-build', action='store_true', help='use the existing Release build')
    parser.add_argument('--timeout', type=int, default=3600, help='seconds per piece')
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(['dotnet', 'build', os.path.join(ROOT, 'Factorizer.sln'), '-c', 'Release',
                        '-v', 'quiet', '-nologo'], check=True)

    load_before = load_average()
    started = datetime.datetime.now(datetime.timezone.utc)
    rows = []
    for section, command in PIECES:
        if args.only and section not in args.only:
            continue
        rows.extend(run_piece(section, command, args.quick, args.timeout))
    load_after = load_average()

    command = 'python3 bench/run.py' + (' --quick' if args.quick else '') + \
        (' --only ' + ' '.join(args.only) if args.only else '')
    header = [
        f'Benchmarks of {started:%Y-%m-%d %H:%M} UTC, `{command}`',
        '',
        f'Machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}, '
        f'Python {platform.python_version()}; load average before {load_before}, after {load_after}.',
        'Ratios: above 1 means ours is better (faster, or less cost). Medians of each piece\'s runs.',
        '',
    ]
    text = '\n'.join(header) + '\n' + table(rows) + '\n'
    print()
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write(text)
    with open(os.path.splitext(args.out)[0] + '.json', 'w', encoding='utf-8') as f:
        json.dump(rows, f, indent=1)
    print(f'written to {os.path.relpath(args.out, ROOT)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
