#!/usr/bin/env python3
"""CPU per process every 0.5 s, for reading a drill or a bench run against the machine's load.

Usage: python3 bench/cpu-sample.py OUT.txt &   (stop it with kill when the run is over)

Each line: UTC time, 1-minute load average, and the eight busiest processes with their share of one core over the
last 0.5 s. Vigil nodes (java with vigil.jar) are named vigil-<pid>, the Maven test JVM (the drill harness, its
stand-ins and load driver) harness. docs/drills.md (2026-12-08) used it to see the drill machine saturated.
"""
import os, time, sys
hz = os.sysconf('SC_CLK_TCK')
out = open(sys.argv[1], 'w')
prev = {}
def procs():
    r = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open(f'/proc/{p}/stat') as f: s = f.read()
            name = s[s.index('(')+1:s.rindex(')')]
            fields = s[s.rindex(')')+2:].split()
            ticks = int(fields[11]) + int(fields[12])
            r[p] = (name, ticks)
        except Exception: pass
    return r
def label(pid, name):
    try:
        cmd = open(f'/proc/{pid}/cmdline').read().split('\0')
        if name == 'java':
            for a in cmd:
                if a.startswith('-Dvigil.node.index=') : return 'node' + a.split('=')[1]
            if any('vigil.jar' in a for a in cmd):
                for i,a in enumerate(cmd):
                    if 'VIGIL_NODE' in a: return a
                return 'vigil-' + pid
            if any('surefire' in a or 'failsafe' in a for a in cmd): return 'harness'
            return 'java-' + pid
        return name
    except Exception: return name
labels = {}
while True:
    t = time.time()
    cur = procs()
    load = open('/proc/loadavg').read().split()[0]
    usage = {}
    for p,(name,ticks) in cur.items():
        if p in prev:
            d = ticks - prev[p][1]
            if d > 0:
                if p not in labels: labels[p] = label(p, name)
                usage[labels[p]] = usage.get(labels[p], 0) + d
    prev = cur
    top = sorted(usage.items(), key=lambda x: -x[1])[:8]
    out.write(time.strftime('%H:%M:%S', time.gmtime(t)) + ('%.1f' % (t % 1))[1:] + ' load=' + load + ' ' + ' '.join(f'{k}={v*100/hz/0.5:.0f}%' for k,v in top) + '\n')
    out.flush()
    time.sleep(0.5)
