#!/usr/bin/env python3
"""Abusive clients for `deploysim serve` (tests/app/serve_abuse.sh), Python 3 standard library only.

Each command misbehaves in one way against the proxy on 127.0.0.1:PORT, then reports on one line
what the proxy did (answered, closed, how soon) and exits 1 when the proxy did not end it:

  random PORT COUNT                 COUNT connections that send 4 KiB of random bytes
  partial-hello PORT HOST CA MODE   half a real ClientHello, then MODE: close, or hold (send nothing more)
  partial-request PORT HOST CA      a handshake, then half a request head, then nothing
  idle PORT COUNT LIMIT READY       COUNT connections that never send; READY gets "open N" when all are
                                    open; waits up to LIMIT s for the proxy to close them all
  split-hello PORT HOST CA          a real ClientHello split into one-byte TLS records, then GET /
  garbage PORT [HOST CA]            one 16 KiB record of random bytes: as the first record, or (with
                                    HOST and CA) after a completed handshake
  big PORT HOST CA KIND             KIND: line (a 1 MiB request line), field (a 10 KiB header field),
                                    head (40 KiB of header fields), body (Content-Length 2 MiB)
  flood PORT SECONDS THREADS        connect and reset, as fast as it can, for SECONDS
"""
import random
import select
import socket
import ssl
import struct
import sys
import threading
import time

TIMEOUT = 15.0  # how long any client waits for the proxy before it calls it a failure


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def wait_closed(s, limit=TIMEOUT):
    """Reads until the proxy closes (or resets) the connection; seconds it took, None if it did not."""
    start = time.monotonic()
    s.settimeout(limit)
    try:
        while s.recv(65536):
            if time.monotonic() - start > limit:
                return None
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return None
    return time.monotonic() - start


def send_ignoring_reset(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass  # the proxy gave up first (reset, TLS alert): what the caller reports


class MemoryTls:
    """A TLS client driven through memory BIOs over a plain socket, so its bytes can be reframed."""

    def __init__(self, port, host, ca):
        ctx = ssl.create_default_context(cafile=ca)
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.out, server_hostname=host)
        self.sock = connect(port)

    def client_hello(self):
        """The client's first flight (one ClientHello record), not yet sent."""
        try:
            self.tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        return self.out.read()

    def finish_handshake(self):
        while True:
            try:
                self.tls.do_handshake()
                self.sock.sendall(self.out.read())
                return
            except ssl.SSLWantReadError:
                self.sock.sendall(self.out.read())
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("the proxy closed during the handshake")
                self.inc.write(data)

    def request(self, text):
        """Sends `text`, reads to the end; the answer's first line."""
        self.tls.write(text.encode())
        self.sock.sendall(self.out.read())
        answer = b""
        while True:
            try:
                chunk = self.tls.read(65536)
                if not chunk:
                    break
                answer += chunk
            except ssl.SSLWantReadError:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.inc.write(data)
            except ssl.SSLZeroReturnError:
                break
        return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def cmd_random(port, count):
    rng = random.Random(19)  # the same bytes every run
    closed = 0
    for _ in range(int(count)):
        s = connect(int(port))
        send_ignoring_reset(s, bytes(rng.getrandbits(8) for _ in range(4096)))
        closed += wait_closed(s) is not None
        s.close()
    print(f"random: {closed}/{count} connections closed by the proxy")
    return closed == int(count)


def cmd_partial_hello(port, host, ca, mode):
    c = MemoryTls(int(port), host, ca)
    hello = c.client_hello()
    c.sock.sendall(hello[: len(hello) // 2])
    if mode == "close":
        c.sock.close()
        print(f"partial-hello: sent {len(hello) // 2} of {len(hello)} bytes and closed")
        return True
    took = wait_closed(c.sock)
    print(f"partial-hello: sent {len(hello) // 2} of {len(hello)} bytes; "
          + (f"the proxy closed after {took:.1f} s" if took is not None else "the proxy never closed"))
    return took is not None


def cmd_partial_request(port, host, ca):
    c = MemoryTls(int(port), host, ca)
    c.sock.sendall(c.client_hello())
    c.finish_handshake()
    c.tls.write(f"GET /slow HTTP/1.1\r\nHost: {host}\r\n".encode())  # no blank line: the head goes on
    c.sock.sendall(c.out.read())
    took = wait_closed(c.sock)
    print("partial-request: half a request head after the handshake; "
          + (f"the proxy closed after {took:.1f} s" if took is not None else "the proxy never closed"))
    return took is not None


def cmd_idle(port, count, limit, ready):
    socks, opened = [], time.monotonic()
    for _ in range(int(count)):
        socks.append(connect(int(port)))
    with open(ready, "w") as f:
        f.write(f"open {len(socks)}\n")
    open_ = {s.fileno(): s for s in socks}
    last = 0.0
    deadline = opened + float(limit)
    while open_ and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_.values()), [], [], max(0.0, deadline - time.monotonic()))
        for s in readable:
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:  # the proxy closed it (it never sends on a connection that sent nothing)
                del open_[s.fileno()]
                last = time.monotonic() - opened
                s.close()
    for s in open_.values():
        s.close()
    print(f"idle: {int(count) - len(open_)}/{count} connections closed by the proxy, the last after {last:.1f} s")
    return not open_


def cmd_split_hello(port, host, ca):
    c = MemoryTls(int(port), host, ca)
    hello = c.client_hello()
    kind, version, length = struct.unpack("!BHH", hello[:5])
    assert kind == 22 and length == len(hello) - 5, "expected one handshake record"
    # The same handshake bytes, one per record (RFC 8446 5.1 lets a message span records).
    c.sock.sendall(b"".join(struct.pack("!BHHB", 22, version, 1, b) for b in hello[5:]))
    c.finish_handshake()
    line = c.request(f"GET /split HTTP/1.1\r\nHost: {host}\r\n\r\n")
    print(f"split-hello: {len(hello) - 5} records of one byte; answer: {line}")
    return line.startswith("HTTP/1.1 200")


def cmd_garbage(port, host=None, ca=None):
    rng = random.Random(16)
    record = bytes(rng.getrandbits(8) for _ in range(16384))
    if host is None:
        s = connect(int(port))
        send_ignoring_reset(s, struct.pack("!BHH", 22, 0x0301, len(record)) + record)
        where = "as the first record"
    else:
        c = MemoryTls(int(port), host, ca)
        c.sock.sendall(c.client_hello())
        c.finish_handshake()
        s = c.sock
        send_ignoring_reset(s, struct.pack("!BHH", 23, 0x0303, len(record)) + record)
        where = "after the handshake"
    took = wait_closed(s)
    print(f"garbage: 16 KiB record {where}; " + ("closed by the proxy" if took is not None else "never closed"))
    return took is not None


def cmd_big(port, host, ca, kind):
    head = {
        "line": "GET /" + "a" * (1 << 20) + f" HTTP/1.1\r\nHost: {host}\r\n\r\n",
        "field": f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: " + "b" * 10240 + "\r\n\r\n",
        "head": f"GET / HTTP/1.1\r\nHost: {host}\r\n" + "".join(f"X-Part-{i}: " + "c" * 8000 + "\r\n" for i in range(5))
        + "\r\n",
        "body": f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: {2 << 20}\r\n\r\n",
    }[kind]
    ctx = ssl.create_default_context(cafile=ca)
    with ctx.wrap_socket(connect(int(port)), server_hostname=host) as s:
        # The proxy answers after the first 8-32 KiB and reads the rest only to drop it.
        send_ignoring_reset(s, head.encode())
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass
    line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    print(f"big {kind}: sent {len(head)} bytes; answer: {line or '(none)'}")
    return bool(line)


def cmd_flood(port, seconds, threads):
    counts, errors = [], []

    def run():
        n = e = 0
        end = time.monotonic() + float(seconds)
        while time.monotonic() < end:
            try:
                s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
                # Reset, not FIN: no TIME_WAIT left here, so the flood cannot run out of ports.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                n += 1
            except OSError:
                e += 1
        counts.append(n)
        errors.append(e)

    workers = [threading.Thread(target=run) for _ in range(int(threads))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"flood: {sum(counts)} connections in {seconds} s ({sum(counts) / float(seconds):.0f}/s), "
          f"{sum(errors)} failed to connect")
    print(f"connections {sum(counts)}")
    return True


def main(argv):
    commands = {"random": cmd_random, "partial-hello": cmd_partial_hello,
                "partial-request": cmd_partial_request, "idle": cmd_idle,
                "split-hello": cmd_split_hello, "garbage": cmd_garbage, "big": cmd_big, "flood": cmd_flood}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        ok = commands[argv[1]](*argv[2:])
    except Exception as e:  # a client that fails is a finding, reported as such
        print(f"{argv[1]}: {type(e).__name__}: {e}")
        ok = False
    sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
