#!/usr/bin/env python3
"""The command-line path, measured from outside: two `p2p-node run` processes on loopback, one
publishing N stdin lines of S bytes (--publish-stdin), the other printing what it receives (--json)
to this script, which counts message events in the raw stream (no per-line work, so the reader is
never the slowest part). Prints one JSON line: messages received, the receive rate from the first
to the last message, the time at each tenth, and what the publisher reported at the end of input.

  bench/cli-path.py --lines 200000 --size 1024 [--sign none|strict]
"""
import argparse, json, os, resource, select, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--lines", type=int, default=200000)
ap.add_argument("--size", type=int, default=1024)
ap.add_argument("--sign", default="none")
args = ap.parse_args()
n, size = args.lines, args.size
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
node = os.path.join(root, "p2p-node")
common = ["run", "--ephemeral", "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "t", "--json", "--sign", args.sign]

def cpu(r):
    return round(r.ru_utime + r.ru_stime, 2)

with tempfile.TemporaryDirectory() as tmp:
    lines_file = os.path.join(tmp, "lines")
    with open(lines_file, "w") as f:
        body = "x" * max(0, size - 8)  # each line is `size` bytes before its newline (8 at least)
        for i in range(n):
            f.write(f"{i:08d}{body}\n")
    recv_err = open(os.path.join(tmp, "recv.err"), "w")
    recv = subprocess.Popen([node] + common, stdout=subprocess.PIPE, stderr=recv_err, bufsize=0)
    fd = recv.stdout.fileno()
    try:  # a 1 MiB pipe (Linux F_SETPIPE_SZ): the node writes on while this reader waits for a core
        import fcntl
        fcntl.fcntl(fd, 1031, 1 << 20)
    except OSError:
        pass
    buf = b""
    deadline = time.time() + 120
    addr = None
    while addr is None and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 5)
        if r:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            buf += chunk
            for line in buf.split(b"\n")[:-1]:
                if line.startswith(b"{"):
                    e = json.loads(line)
                    if e.get("event") == "listening":
                        addr = e["addrs"][0]
    if addr is None:
        recv.kill()
        sys.exit("the receiving node did not report its address")
    pub_out = open(os.path.join(tmp, "pub.out"), "w+")
    with open(lines_file) as stdin:
        pub = subprocess.Popen([node] + common + ["--publish-stdin", "--peer", addr], stdin=stdin,
                               stdout=pub_out, stderr=subprocess.DEVNULL)
    marker = b'"event":"message"'
    got, first, last, marks, tail = 0, None, None, [], b""
    step = max(1, n // 10)
    while got < n:
        r, _, _ = select.select([fd], [], [], 20)  # 20 s without a line: the rest is not coming
        if not r:
            break
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        # a marker split across two reads is counted once: count over the seam, minus the old tail
        seam = tail[-len(marker):]
        c = (seam + chunk).count(marker) - seam.count(marker)
        tail = chunk
        if c:
            now = time.time()
            first = first or now
            before, got, last = got, got + c, now
            marks += [round(now - first, 2)] * (got // step - before // step)
    pub.wait(120)
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    pub_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    recv.terminate()
    recv.wait(30)
    both_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    pub_out.seek(0)
    ended = next((json.loads(l) for l in pub_out if '"input_ended"' in l), None)
    recv_err.close()
    drops = sum(1 for l in open(os.path.join(tmp, "recv.err")) if "dropped a message" in l)
    secs = (last - first) if first and last and last > first else float("nan")
    print(json.dumps({"bench": "cli-path", "lines": n, "size": size, "sign": args.sign, "received": got,
                      "seconds": round(secs, 2), "msgPerSec": round(got / secs) if secs == secs else None,
                      "tenths": marks, "publisher": ended, "receiverDropLogLines": drops,
                      # CPU seconds (user + system) of each process over its whole life, start-up included
                      "cpuSeconds": {"publisher": cpu(pub_cpu), "receiver": round(cpu(both_cpu) - cpu(pub_cpu), 2),
                                     "reader": cpu(self_cpu)}}))
