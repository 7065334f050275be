#!/usr/bin/python3
"""Drives the browser build's page in headless Chromium over the DevTools protocol.

tests/web/browser.sh starts the HTTP server and Chromium and calls this with Chromium's browser
websocket (--ws) and the server's address (--base). Debian's python3 with python3-websocket.

The page's protocol (console lines, each a console.log of its own; emscripten's stdout does that):
  deploysim: first frame at <ms> ms      performance.now() when the first frame was drawn
  screenshot written: <path>             a PNG in the page's file system, read with FS.readFile
  deploysim: script finished             the script ran to its end: the test ends, passing
  deploysim: script failed: <why>        the script stopped: the test ends, failing
The page is index.html?script=session.script[&lang=ko]. Its file system is the global FS (an
emscripten build's) or else Module.FS. A failure: a console.error or console.assert, an uncaught
exception, a Log entry of level error (a failed load), a crash, a dialog, no end line within the
timeout, or a screenshot (or the whole page's, page.png) that looks blank.
"""

import argparse
import base64
import collections
import json
import os
import re
import struct
import sys
import time
import zlib

import websocket

# Failures that are known and accepted, as regular expressions on the failure's line. Keep it empty:
# fix the page instead (a favicon, say, is the page's to serve).
ALLOWED = []

# A screenshot with fewer colours than this, or with more than this share of its pixels in one
# colour, is taken for a blank page.
MIN_COLOURS = 8
MAX_ONE_COLOUR = 0.995

READ_FILE = """(() => {
  const fs = (typeof FS === 'object' && FS && FS.readFile) ? FS : Module.FS;
  const d = fs.readFile(%s);
  let s = '';
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return btoa(s);
})()"""


# A user's drag from the desktop onto the page: the served files in a DataTransfer, dropped on the
# canvas as the browser does (dragenter, dragover, drop), which emscripten's GLFW hands to the
# program as /.glfw_dropped_files/NAME.
DROP = """(async () => {
  const dt = new DataTransfer();
  for (const name of %s) {
    const r = await fetch(name);
    if (!r.ok) throw new Error('cannot fetch ' + name + ' to drop it: ' + r.status);
    dt.items.add(new File([await r.blob()], name));
  }
  const canvas = document.getElementById('canvas');
  for (const type of ['dragenter', 'dragover', 'drop'])
    canvas.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
})()"""


class Timeout(Exception):
    pass


class CdpError(Exception):
    pass


class Cdp:
    """One websocket to the browser; commands go to the attached page's session (flatten=true)."""

    def __init__(self, url):
        # Chromium refuses a websocket that names an Origin it was not told to allow.
        self.ws = websocket.create_connection(url, timeout=10, suppress_origin=True)
        self.last_id = 0
        self.session = None
        self.events = collections.deque()

    def recv(self, deadline):
        """The next message, or None at the deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.ws.settimeout(min(left, 1.0))
            try:
                return json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue

    def call(self, method, params=None, timeout=30.0, browser=False):
        self.last_id += 1
        msg = {"id": self.last_id, "method": method, "params": params or {}}
        if self.session and not browser:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            m = self.recv(deadline)
            if m is None:
                raise Timeout(f"no answer to {method} within {timeout:.0f} s")
            if m.get("id") == self.last_id:
                if "error" in m:
                    raise CdpError(f"{method}: {m['error'].get('message')}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def event(self, deadline):
        """The next event, or None at the deadline."""
        if self.events:
            return self.events.popleft()
        while True:
            m = self.recv(deadline)
            if m is None or "method" in m:
                return m


def decode_png(data):
    """(width, height, channels, pixels) of an 8-bit, non-interlaced grey, grey+alpha, RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    bpp, stride = channels, width * channels
    if len(raw) < height * (stride + 1):
        raise ValueError("truncated image data")
    out = bytearray(height * stride)
    prev = bytearray(stride)
    low, high = int.from_bytes(b"\x7f" * stride, "big"), int.from_bytes(b"\x80" * stride, "big")
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up: bytewise sums of two long integers without carries between bytes
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = bytearray((((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(stride, "big"))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif kind != 0:
            raise ValueError(f"unknown filter type {kind} on row {y}")
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def check_png(path):
    """A failure's line if the PNG at path cannot be read or looks blank, else None; prints its figures."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            width, height, channels, pixels = decode_png(f.read())
    except (OSError, ValueError, zlib.error) as e:
        return f"{name}: cannot read the PNG: {e}"
    counts = collections.Counter(zip(*(pixels[c::channels] for c in range(channels))))
    colour, most = counts.most_common(1)[0]
    share = most / (width * height)
    print(f"{name}: {width}x{height}, {len(counts)} colours, the commonest {share:.2%} of the pixels "
          f"({'#' + ''.join(f'{v:02x}' for v in colour)})")
    if len(counts) < MIN_COLOURS or share > MAX_ONE_COLOUR:
        return (f"{name} looks blank: {len(counts)} colours (at least {MIN_COLOURS} wanted), "
                f"{share:.2%} in one (at most {MAX_ONE_COLOUR:.1%} wanted)")
    return None


def console_text(params):
    parts = []
    for a in params.get("args", []):
        if "value" in a:
            v = a["value"]
            parts.append(v if isinstance(v, str) else json.dumps(v))
        else:
            parts.append(a.get("unserializableValue") or a.get("description") or a.get("type", "?"))
    return " ".join(parts)


def exception_text(details):
    exc = details.get("exception") or {}
    text = exc.get("description") or details.get("text", "exception")
    where = details.get("url") or details.get("scriptId", "")
    return f"{text.splitlines()[0] if text else 'exception'} ({where}:{details.get('lineNumber', 0) + 1})"


class Run:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.shots = []
        self.first_frame_page = None
        self.first_frame_wall = None
        self.ended = None  # "finished" or "failed"
        self.t0 = time.monotonic()
        self.reloaded = False
        self.downloads = {}  # guid -> file name, while it downloads
        self.states = 0  # the script's `state` lines so far (--drop)

    def fail(self, line):
        if any(re.search(p, line) for p in ALLOWED):
            print(f"allowed: {line}")
            return
        print(f"FAIL: {line}")
        self.failures.append(line)

    def on_console(self, cdp, params, t0):
        kind, text = params.get("type", "log"), console_text(params)
        for line in text.splitlines() or [""]:
            print(f"page: {line}" if kind in ("log", "info") else f"page: [{kind}] {line}", flush=True)
        if kind in ("error", "assert"):
            self.fail(f"console.{kind}: {text}")
            return
        if kind not in ("log", "info"):
            return
        if m := re.match(r"deploysim: first frame at ([0-9.]+) ms", text):
            if self.first_frame_page is None:
                self.first_frame_page = float(m.group(1))
                self.first_frame_wall = (time.monotonic() - t0) * 1000
        elif m := re.match(r"screenshot written: (.+)", text):
            self.save_shot(cdp, m.group(1).strip())
        elif text.startswith("state "):
            self.states += 1
            for when in self.args.drop:
                n, names = when.split(":", 1)
                if int(n) == self.states:
                    self.drop(cdp, names.split(","))
        elif text.startswith("deploysim: script finished"):
            self.ended = "finished"
        elif m := re.match(r"deploysim: script failed: ?(.*)", text):
            self.ended = "failed"
            self.fail(f"the script failed: {m.group(1)}")

    def drop(self, cdp, names):
        print(f"drop: {' '.join(names)}", flush=True)
        r = cdp.call("Runtime.evaluate", {"expression": DROP % json.dumps(names)})
        if "exceptionDetails" in r:
            self.fail(f"cannot drop {names}: {exception_text(r['exceptionDetails'])}")

    def save_shot(self, cdp, path):
        # Read it at once: a later line of the script may write the same path again.
        try:
            r = cdp.call("Runtime.evaluate", {"expression": READ_FILE % json.dumps(path),
                                              "returnByValue": True})
        except (CdpError, Timeout) as e:
            self.fail(f"cannot read {path} from the page: {e}")
            return
        if "exceptionDetails" in r:
            self.fail(f"cannot read {path} from the page: {exception_text(r['exceptionDetails'])}")
            return
        out = os.path.join(self.args.out, os.path.basename(path))
        with open(out, "wb") as f:
            f.write(base64.b64decode(r["result"]["value"]))
        self.shots.append(out)

    def on_event(self, cdp, m, t0):
        method, params = m["method"], m.get("params", {})
        if method == "Runtime.consoleAPICalled":
            self.on_console(cdp, params, t0)
        elif method == "Runtime.exceptionThrown":
            self.fail(f"uncaught exception: {exception_text(params.get('exceptionDetails', {}))}")
        elif method == "Log.entryAdded":
            e = params.get("entry", {})
            line = f"[{e.get('source')} {e.get('level')}] {e.get('text')}" + (f" ({e['url']})" if e.get("url") else "")
            if e.get("level") != "verbose":
                print(f"page: {line}", flush=True)
            # The browser asks for /favicon.ico by itself; a 404 for it is not the page's error (the
            # page should still name its own icon, as the mock's <link rel="icon" href="data:,">).
            favicon = e.get("source") == "network" and e.get("url", "").endswith("favicon.ico")
            if e.get("level") == "error" and not favicon:
                self.fail(f"log: {line}")
        elif method == "Browser.downloadWillBegin":
            self.downloads[params.get("guid")] = params.get("suggestedFilename", "?")
            print(f"download: {params.get('suggestedFilename')}", flush=True)
        elif method == "Browser.downloadProgress" and params.get("state") in ("completed", "canceled"):
            name = self.downloads.pop(params.get("guid"), "?")
            if params.get("state") == "canceled":
                self.fail(f"the download of {name} was canceled")
            else:
                print(f"download finished: {name} ({params.get('receivedBytes', 0)} bytes)", flush=True)
        elif method == "Inspector.targetCrashed":
            self.fail("the page crashed")
            self.ended = "crashed"
        elif method == "Page.javascriptDialogOpening":
            self.fail(f"the page opened a {params.get('type')} dialog: {params.get('message')}")
            cdp.call("Page.handleJavaScriptDialog", {"accept": False})

    def page_url(self, script, lang):
        url = self.args.base.rstrip("/") + f"/index.html?script={script}"
        if lang:
            url += f"&lang={lang}"
        if self.args.query:
            url += f"&{self.args.query}"
        return url

    def pump(self, cdp, deadline, until=None):
        """Handles events until the script ends (or `until()` holds, checked twice a second); False
        at the deadline."""
        next_check = time.monotonic()
        while self.ended is None:
            if until is not None and time.monotonic() >= next_check:
                if until():
                    return True
                next_check = time.monotonic() + 0.5
            m = cdp.event(min(deadline, next_check) if until is not None else deadline)
            if m is None:
                if until is not None and time.monotonic() < deadline:
                    continue
                waiting = ("the line 'deploysim: first frame at <ms> ms'" if self.first_frame_page is None
                           else "the line 'deploysim: script finished' (or 'script failed')")
                self.fail(f"timed out after {self.args.timeout:.0f} s waiting for {waiting}")
                return False
            self.on_event(cdp, m, self.t0)
        return True

    def load(self, cdp, url, deadline):
        """Opens url and runs its script to the end (or, with --until-stored, while it runs)."""
        print(f"browser test: {url}", flush=True)
        self.t0 = time.monotonic()
        nav = cdp.call("Page.navigate", {"url": url})
        if nav.get("errorText"):
            self.fail(f"could not load {url}: {nav['errorText']}")
            return False
        if self.args.until_stored and not self.reloaded:
            return True
        return self.pump(cdp, deadline)

    def stored(self, cdp):
        r = cdp.call("Runtime.evaluate", {"expression": "localStorage.getItem('deploysim:settings.json')",
                                          "returnByValue": True})
        return r.get("result", {}).get("value") or ""

    def wait_stored(self, cdp, deadline):
        """Phase one: until the page's storage holds what --until-stored names, while the script
        still runs."""
        want = re.compile(self.args.until_stored, re.S)
        ok = self.pump(cdp, deadline, lambda: self.first_frame_page is not None and want.search(self.stored(cdp)))
        if not ok:
            self.fail(f"the browser's storage never held /{self.args.until_stored}/: {self.stored(cdp)!r}")
            return False
        if self.ended is not None:
            self.fail("the script ended before the settings were kept in the browser's storage")
            return False
        print(f"stored while the page runs: {self.stored(cdp)}", flush=True)
        self.reloaded = True
        return True

    def expect_status(self, cdp, url, deadline):
        """--expect-status: the page shows this text in its status line (no window expected)."""
        print(f"browser test: {url}", flush=True)
        self.t0 = time.monotonic()
        cdp.call("Page.navigate", {"url": url})
        status = ""
        while time.monotonic() < deadline:
            while (m := cdp.event(time.monotonic() + 0.2)) is not None:
                self.on_event(cdp, m, self.t0)
            r = cdp.call("Runtime.evaluate", {"expression": "document.getElementById('status').textContent",
                                              "returnByValue": True})
            status = r.get("result", {}).get("value") or ""
            if self.args.expect_status in status:
                print(f"status: {status}", flush=True)
                shot = cdp.call("Page.captureScreenshot", {"format": "png"})
                with open(os.path.join(self.args.out, "page.png"), "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                return
        self.fail(f"the page's status never said {self.args.expect_status!r}: {status!r}")

    def main(self):
        a = self.args
        os.makedirs(a.out, exist_ok=True)
        start = time.monotonic()
        deadline = start + a.timeout
        cdp = Cdp(a.ws)
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        cdp.session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Inspector"):
            cdp.call(f"{domain}.enable")
        # Downloads (what the page offers: saved what-ifs, captures) go to OUT/downloads.
        cdp.call("Browser.setDownloadBehavior", {"behavior": "allow", "eventsEnabled": True,
                                                 "downloadPath": os.path.abspath(os.path.join(a.out, "downloads"))},
                 browser=True)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": a.width, "height": a.height, "deviceScaleFactor": 1, "mobile": False})
        url = self.page_url("session.script", a.lang)
        if a.expect_status:
            self.expect_status(cdp, url, deadline)
            return
        if not self.load(cdp, url, deadline):
            return
        t0 = self.t0
        if a.until_stored and self.ended is None:
            # Phase one stays open: the page must keep the learner's choices while it runs.
            if not self.wait_stored(cdp, deadline):
                return
            # Phase two: the page again, as a reload, without lang= (the kept choice decides).
            self.first_frame_page = None
            self.ended = None
            if not self.load(cdp, self.page_url(a.then, ""), deadline):
                return
            t0 = self.t0
        elif a.until_stored:
            self.fail("the script ended before the settings were kept in the browser's storage")
        script_wall = time.monotonic() - t0 if self.ended else None
        if self.ended == "crashed":
            return
        # Whatever the page says just after its last line counts too; downloads get 10 s to finish.
        settle = time.monotonic() + 0.5
        while (m := cdp.event(settle + (10 if self.downloads else 0))) is not None:
            self.on_event(cdp, m, t0)
        for name in self.downloads.values():
            self.fail(f"the download of {name} did not finish")
        if self.ended is not None and self.first_frame_page is None:
            self.fail("the page never printed 'deploysim: first frame at <ms> ms'")
        try:
            shot = cdp.call("Page.captureScreenshot", {"format": "png"})
            page_png = os.path.join(a.out, "page.png")
            with open(page_png, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            self.shots.append(page_png)
        except (CdpError, Timeout) as e:
            self.fail(f"could not take the page's screenshot: {e}")
        for path in self.shots:
            if (problem := check_png(path)) is not None:
                self.fail(problem)
        if self.first_frame_page is not None:
            print(f"first frame: {self.first_frame_page:.1f} ms (the page's clock, from navigation start); "
                  f"{self.first_frame_wall:.1f} ms (wall, from Page.navigate)")
        if script_wall is not None:
            print(f"script: {script_wall:.1f} s (wall, from Page.navigate to its last line)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ws", required=True, help="Chromium's browser websocket (DevTools listening on ...)")
    p.add_argument("--base", required=True, help="the server's address, e.g. http://127.0.0.1:8000/")
    p.add_argument("--out", required=True, help="where screenshots go")
    p.add_argument("--lang", default="", help="&lang=LANG on the page's address")
    p.add_argument("--query", default="", help="more of the page's query, e.g. fail=blank (the mock)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    p.add_argument("--until-stored", default="",
                   help="a reload test: run the script only until localStorage's settings.json matches this "
                        "regular expression (the script must still be running), then load the page again "
                        "with --then's script and no lang=")
    p.add_argument("--then", default="", help="the script the reloaded page runs (served beside the page)")
    p.add_argument("--expect-status", default="",
                   help="pass when the page's status line shows this text (a page that cannot open its window)")
    p.add_argument("--drop", action="append", default=[],
                   help="N:FILE[,FILE...]: after the script's N-th `state` line, drop these served files on "
                        "the page as a user drags them from the desktop (the script waits a few frames)")
    p.add_argument("--width", type=int, default=1600)
    p.add_argument("--height", type=int, default=900)
    run = Run(p.parse_args())
    try:
        run.main()
    except (OSError, websocket.WebSocketException, CdpError, Timeout) as e:
        run.fail(f"{type(e).__name__}: {e}")
    if run.failures:
        print(f"browser test: FAILED, {len(run.failures)} failure(s):")
        for f in run.failures:
            print(f"  {f}")
        return 1
    print(f"browser test: passed ({len(run.shots)} screenshots in {run.args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
