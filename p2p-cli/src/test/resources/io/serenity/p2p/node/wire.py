#!/usr/bin/env python3
"""The wire between the network namespaces of NetworkFaultsIT: latency, jitter, loss and a partition.

Each node's namespace holds one TUN interface whose other end is a file descriptor of this process, so
every IP packet a node sends comes here, and this process writes it into the destination node's TUN
after the pair's one-way delay, or drops it. It does what `tc qdisc add ... netem delay D J loss P`
would do on every interface, for kernels built without sch_netem, and adds a partition between two
groups of nodes; the nodes' kernels and TCP stacks see real delays and real lost packets.

  wire.py --name PREFIX --seed S --loss 0.02 --jitter-ms 5 --node IP:GROUP:HALF_DELAY_MS ...

Creates one TUN interface per --node in the current namespace (named PREFIX0, PREFIX1, ...), prints
"created <name> ..." and waits for "go" on stdin (the caller moves the interfaces into the nodes'
namespaces and configures them meanwhile; the open descriptors follow an interface to its namespace).
One-way delay from a to b = half(a) + half(b) + uniform(-jitter, +jitter), never earlier than the pair's
previous packet (per-pair FIFO, as on a link). Loss is per packet. Further commands on stdin, each
answered on stdout: "partition" (drop every packet between group 0 and group 1), "heal", "stats",
"quit". Exits when stdin closes.
"""
import argparse
import fcntl
import heapq
import os
import random
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--jitter-ms", type=float, default=0.0)
    ap.add_argument("--node", action="append", default=[], help="IP:GROUP:HALF_DELAY_MS")
    args = ap.parse_args()

    fd_of = {}  # destination address (4 bytes) -> TUN descriptor
    group = {}
    half = {}
    names = []
    for i, spec in enumerate(args.node):
        ip, g, d = spec.split(":")
        key = socket.inet_aton(ip)
        name = f"{args.name}{i}"
        fd_of[key] = open_tun(name)
        names.append(name)
        group[key] = int(g)
        half[key] = float(d) / 1000.0
    rnd = random.Random(args.seed)
    print("created " + " ".join(names), flush=True)
    stdin = sys.stdin.buffer
    if stdin.readline().strip() != b"go":
        return

    poll = select.poll()
    for fd in fd_of.values():
        poll.register(fd, select.POLLIN)
    poll.register(stdin.fileno(), select.POLLIN)
    partitioned = False
    held = []  # (release time, sequence, destination descriptor, packet)
    last_release = {}
    seq = 0
    counts = {"packets": 0, "delivered": 0, "lost": 0, "partitioned": 0, "unroutable": 0}
    pending = b""

    while True:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, fd, packet = heapq.heappop(held)
            try:
                os.write(fd, packet)
                counts["delivered"] += 1
            except OSError:
                counts["unroutable"] += 1
        timeout_ms = max(0, int((held[0][0] - time.monotonic()) * 1000) + 1) if held else 1000
        for fd, _ in poll.poll(timeout_ms):
            if fd == stdin.fileno():
                chunk = os.read(fd, 4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    cmd = line.decode().strip()
                    if cmd == "partition":
                        partitioned = True
                    elif cmd == "heal":
                        partitioned = False
                    elif cmd == "quit":
                        return
                    print("ok " + cmd + " " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
                continue
            for _ in range(64):
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if len(packet) < 20 or packet[0] >> 4 != 4:
                    continue  # IPv4 only (router solicitations and the like are dropped)
                src, dst = packet[12:16], packet[16:20]
                counts["packets"] += 1
                out = fd_of.get(dst)
                if out is None:
                    counts["unroutable"] += 1
                elif partitioned and src in group and group[src] != group[dst]:
                    counts["partitioned"] += 1
                elif args.loss > 0 and rnd.random() < args.loss:
                    counts["lost"] += 1
                else:
                    t = time.monotonic()
                    delay = half.get(src, 0.0) + half[dst]
                    if args.jitter_ms > 0:
                        delay += rnd.uniform(-args.jitter_ms, args.jitter_ms) / 1000.0
                    release = max(t + max(0.0, delay), last_release.get((src, dst), 0.0))
                    last_release[(src, dst)] = release
                    seq += 1
                    heapq.heappush(held, (release, seq, out, packet))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
