#!/usr/bin/env python3
"""Soak run of p2p-node processes on loopback (bench/run-soak starts it; see docs/soak.md).

A small gossipsub network of `p2p-node run` processes, for --minutes:
  - regular nodes: one of them publishes on topic "main" every --main-interval seconds;
  - a quiet-topic node: publishes on topic "quiet" every --quiet-interval seconds (everyone subscribes);
  - a flooding node: publishes --flood-rate messages per second of --flood-size bytes on topic "flood";
  - a slow node: stopped (SIGSTOP) for --slow-stop of every second, so it reads slowly;
  - a churning node: ended (SIGTERM) every --churn-period seconds and started again --churn-down later.
Every --sample seconds it records, per process, resident memory (/proc) and Java heap in use (the JVM's
hsperfdata counters, read without attaching), and for the window since the last sample: delivery ratio and
publish-to-delivery latency p50/p99 of "main" at the regular nodes, the slow and the churning node's
delivery ratio, flood messages received per second. Writes soak.csv, quiet.csv, summary.json and a
gnuplot script for soak.png into --out. Every process it starts is ended by its PID at the end.
"""
import argparse
import base64
import json
import mmap
import os
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time

HEAP_KEY = re.compile(rb"^sun\.gc\.generation\.\d+\.space\.\d+\.used$")


def heap_used_bytes(pid):
    """Sum of the JVM's generation space 'used' counters from its hsperfdata file, or None."""
    path = f"/tmp/hsperfdata_{os.environ.get('USER', 'root')}/{pid}"
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        order = "<" if data[4] == 1 else ">"
        entry_offset, entries = struct.unpack_from(order + "ii", data, 24)
        total = 0
        off = entry_offset
        for _ in range(entries):
            length, name_off, vlen, dtype, flags, units, var, data_off = struct.unpack_from(order + "iiicccci", data, off)
            end = data.find(b"\0", off + name_off)
            name = data[off + name_off:end]
            if dtype == b"J" and vlen == 0 and HEAP_KEY.match(name):
                total += struct.unpack_from(order + "q", data, off + data_off)[0]
            off += length
        return total
    finally:
        data.close()


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def pct(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[i]


class Node:
    def __init__(self, soak, index, role, first_topic):
        self.soak = soak
        self.index = index
        self.role = role
        self.first_topic = first_topic
        self.proc = None
        self.addr = None
        self.listening = threading.Event()
        self.up_since = None
        self.lock = threading.Lock()

    def start(self, peers):
        a = self.soak.args
        cmd = [a.java] + a.jvm_opts.split() + ["-jar", a.jar, "run", "--json", "--key-type", "ed25519",
               "--key-seed", str(5000 + self.index), "--listen", f"/ip4/127.0.0.1/tcp/{a.base_port + self.index}",
               "--publish-stdin"]
        for t in [self.first_topic] + [t for t in ("main", "quiet", "flood") if t != self.first_topic]:
            cmd += ["--topic", t]
        for p in peers:
            cmd += ["--peer", p]
        self.listening.clear()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(a.out, f"node{self.index}.err"), "ab"))
        self.soak.started.append(self.proc)
        threading.Thread(target=self.read, args=(self.proc,), daemon=True).start()

    def read(self, proc):
        for raw in proc.stdout:
            now = time.monotonic()
            if raw.startswith(b'{"event":"message"'):
                m = re.search(rb'"data":"([^"]*)"', raw)
                if m:
                    self.soak.delivered(self, base64.b64decode(m.group(1)), now)
            elif raw.startswith(b'{"event":"listening"'):
                self.addr = json.loads(raw)["addrs"][0]
                self.up_since = now
                self.listening.set()

    def send(self, text):
        with self.lock:
            try:
                self.proc.stdin.write((text + "\n").encode())
                self.proc.stdin.flush()
                return True
            except (BrokenPipeError, OSError, AttributeError):
                return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.up_since = None


class Soak:
    def __init__(self, args):
        self.args = args
        self.started = []
        self.lock = threading.Lock()
        self.main = {}   # k -> (publish time, publisher index, {node: arrival})
        self.quiet = {}
        self.flood_received = {}
        self.rng = random.Random(args.seed)

    def delivered(self, node, data, now):
        if data.startswith(b"f"):
            with self.lock:
                self.flood_received[node.index] = self.flood_received.get(node.index, 0) + 1
            return
        table = self.main if data.startswith(b"m") else self.quiet if data.startswith(b"q") else None
        if table is None:
            return
        k = int(data[1:].split(b" ")[0])
        with self.lock:
            entry = table.get(k)
            if entry is not None and node.index not in entry[2]:
                entry[2][node.index] = now

    def run(self):
        a = self.args
        os.makedirs(a.out, exist_ok=True)
        n_regular = a.nodes
        regular = [Node(self, i, "regular", "main") for i in range(n_regular)]
        quiet = Node(self, n_regular, "quiet", "quiet")
        flooder = Node(self, n_regular + 1, "flood", "flood")
        slow = Node(self, n_regular + 2, "slow", "main")
        churn = Node(self, n_regular + 3, "churn", "main")
        everyone = regular + [quiet, flooder, slow, churn]
        self.nodes = everyone
        # a ring over the regular nodes plus a chord each; the others dial two regular nodes
        for i, node in enumerate(everyone):
            peers = []
            if 0 < i < n_regular:
                peers = [regular[i - 1].addr] + ([regular[self.rng.randrange(i - 1)].addr] if i > 1 else [])
            elif i >= n_regular:
                peers = [r.addr for r in self.rng.sample(regular, 2)]
            if i == n_regular - 1 and n_regular > 2:
                peers.append(regular[0].addr)
            node.start(list(dict.fromkeys(peers)))
            if not node.listening.wait(120):
                raise SystemExit(f"node {i} did not start within 120 s")
        print(f"{len(everyone)} nodes listening", file=sys.stderr, flush=True)
        time.sleep(5)  # meshes form over a few heartbeats before the first measured publish

        t0 = time.monotonic()
        end = t0 + a.minutes * 60
        csv = open(os.path.join(a.out, "soak.csv"), "w")
        header = ["t_s", "rss_total_mb"] + [f"rss_{n.role}{n.index}_mb" for n in everyone] + \
                 [f"heap_{n.role}{n.index}_mb" for n in everyone] + \
                 ["main_published", "main_ratio", "main_p50_ms", "main_p99_ms", "slow_ratio", "churn_ratio",
                  "churn_up", "flood_per_s_per_node"]
        csv.write(",".join(header) + "\n")
        next_main = t0
        next_quiet = t0 + 30
        next_sample = t0 + a.sample
        next_churn = t0 + a.churn_period
        churn_restart = None
        flood_interval = 1.0 / a.flood_rate if a.flood_rate > 0 else None
        next_flood = t0
        flood_seq = 0
        slow_stopped = False
        next_slow = t0
        k_main = 0
        k_quiet = 0
        last_window = t0
        flood_mark = dict()
        padding = "x" * max(0, a.flood_size - 12)
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if now >= next_main:
                pub = self.rng.choice(regular)
                with self.lock:
                    self.main[k_main] = (time.monotonic(), pub.index, {})
                pub.send(f"m{k_main}")
                k_main += 1
                next_main += a.main_interval
            if now >= next_quiet:
                with self.lock:
                    self.quiet[k_quiet] = (time.monotonic(), quiet.index, {})
                quiet.send(f"q{k_quiet}")
                k_quiet += 1
                next_quiet += a.quiet_interval
            if flood_interval is not None:
                burst = 0
                while next_flood <= now and burst < 1000:
                    flooder.send(f"f{flood_seq} {padding}")
                    flood_seq += 1
                    burst += 1
                    next_flood += flood_interval
            if now >= next_slow:
                if slow.alive():
                    if slow_stopped:
                        slow.proc.send_signal(signal.SIGCONT)
                        next_slow = now + (1 - a.slow_stop)
                    else:
                        slow.proc.send_signal(signal.SIGSTOP)
                        next_slow = now + a.slow_stop
                    slow_stopped = not slow_stopped
                else:
                    next_slow = now + 1
            if now >= next_churn and churn_restart is None:
                churn.stop()
                churn_restart = now + a.churn_down
                print(f"{now - t0:7.0f} s: churn node stopped", file=sys.stderr, flush=True)
            if churn_restart is not None and now >= churn_restart:
                churn.start([r.addr for r in self.rng.sample(regular, 2)])
                churn_restart = None
                next_churn = now + a.churn_period
                print(f"{now - t0:7.0f} s: churn node started again", file=sys.stderr, flush=True)
            if now >= next_sample:
                self.sample(csv, everyone, regular, slow, churn, t0, last_window, now, flood_mark)
                last_window = now
                next_sample += a.sample
            wake = min(x for x in (next_main, next_quiet, next_sample, next_slow, next_churn,
                                   churn_restart or end, next_flood if flood_interval else end, end))
            time.sleep(max(0.0, min(0.05, wake - time.monotonic())))
        csv.close()
        self.finish(everyone, regular, quiet, t0)

    def sample(self, csv, everyone, regular, slow, churn, t0, since, now, flood_mark):
        a = self.args
        grace = a.grace
        regular_ids = {n.index for n in regular}
        lat = []
        got = expected = 0
        slow_got = slow_expected = 0
        churn_got = churn_expected = 0
        published = 0
        with self.lock:
            for k, (t, pub, arr) in self.main.items():
                # messages published in the window that ended `grace` seconds ago: they had time to arrive
                if not (since - grace <= t < now - grace):
                    continue
                published += 1
                for i in regular_ids - {pub}:
                    expected += 1
                    if i in arr:
                        got += 1
                        lat.append((arr[i] - t) * 1000)
                slow_expected += 1
                slow_got += slow.index in arr
                if churn.up_since is not None and churn.up_since + 5 <= t:
                    churn_expected += 1
                    churn_got += churn.index in arr
            flood = dict(self.flood_received)
        lat.sort()
        rss = [rss_bytes(n.proc.pid) if n.alive() else None for n in everyone]
        heap = [heap_used_bytes(n.proc.pid) if n.alive() else None for n in everyone]
        flood_rate = sum(flood.get(i, 0) - flood_mark.get(i, 0) for i in regular_ids) / len(regular_ids) / (now - since)
        flood_mark.clear()
        flood_mark.update(flood)

        def mb(v):
            return "" if v is None else f"{v / 1048576:.1f}"

        def ratio(g, e):
            return "" if e == 0 else f"{g / e:.4f}"

        row = [f"{now - t0:.0f}", mb(sum(r for r in rss if r))] + [mb(r) for r in rss] + [mb(h) for h in heap] + \
              [str(published), ratio(got, expected), f"{pct(lat, 0.5):.1f}", f"{pct(lat, 0.99):.1f}",
               ratio(slow_got, slow_expected), ratio(churn_got, churn_expected), "1" if churn.alive() else "0",
               f"{flood_rate:.1f}"]
        csv.write(",".join(row) + "\n")
        csv.flush()
        print(f"{now - t0:7.0f} s: rss {mb(sum(r for r in rss if r))} MB, main {ratio(got, expected)} "
              f"p50 {pct(lat, 0.5):.0f} p99 {pct(lat, 0.99):.0f} ms, slow {ratio(slow_got, slow_expected)}, "
              f"flood {flood_rate:.0f}/s/node", file=sys.stderr, flush=True)

    def finish(self, everyone, regular, quiet, t0):
        a = self.args
        regular_ids = {n.index for n in regular}
        with self.lock:
            main = dict(self.main)
            quiet_msgs = dict(self.quiet)
        # totals over messages old enough to have arrived
        cutoff = time.monotonic() - a.grace
        got = expected = 0
        lat = []
        for k, (t, pub, arr) in main.items():
            if t >= cutoff:
                continue
            for i in regular_ids - {pub}:
                expected += 1
                if i in arr:
                    got += 1
                    lat.append((arr[i] - t) * 1000)
        lat.sort()
        with open(os.path.join(a.out, "quiet.csv"), "w") as f:
            f.write("t_s,delivered_to,of,latency_max_ms\n")
            for k, (t, pub, arr) in sorted(quiet_msgs.items()):
                others = [n for n in everyone if n.index != pub and n.role not in ("churn", "slow")]
                d = [arr[n.index] - t for n in others if n.index in arr]
                f.write(f"{t - t0:.0f},{len(d)},{len(others)},{max(d) * 1000 if d else float('nan'):.1f}\n")
        summary = {
            "minutes": a.minutes, "nodes": len(everyone), "main_messages": len(main),
            "main_delivery_ratio": got / expected if expected else None,
            "main_latency_ms": {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "max": lat[-1] if lat else None},
            "quiet_messages": len(quiet_msgs), "flood_rate_per_s": a.flood_rate, "flood_size": a.flood_size,
            "jvm_opts": a.jvm_opts,
        }
        with open(os.path.join(a.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=2)
        print(json.dumps(summary), flush=True)

    def stop_all(self):
        for p in self.started:
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGCONT)
                    p.terminate()
                except OSError:
                    pass
        for p in self.started:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--java", default="java")
    ap.add_argument("--jvm-opts", default="-Xms64m -Xmx256m -XX:+UseG1GC -XX:MaxDirectMemorySize=128m "
                                          "-XX:+ExitOnOutOfMemoryError")
    ap.add_argument("--out", default="soak-out")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--nodes", type=int, default=6, help="regular nodes (besides quiet, flood, slow, churn)")
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--grace", type=float, default=10, help="seconds a message has to arrive before it counts")
    ap.add_argument("--main-interval", type=float, default=1)
    ap.add_argument("--quiet-interval", type=float, default=300)
    ap.add_argument("--flood-rate", type=float, default=50)
    ap.add_argument("--flood-size", type=int, default=512)
    ap.add_argument("--slow-stop", type=float, default=0.8)
    ap.add_argument("--churn-period", type=float, default=180)
    ap.add_argument("--churn-down", type=float, default=20)
    ap.add_argument("--base-port", type=int, default=19400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    soak = Soak(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        soak.run()
    finally:
        soak.stop_all()


if __name__ == "__main__":
    main()
