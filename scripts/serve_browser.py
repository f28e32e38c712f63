#!/usr/bin/env python3
"""Drives `latent serve` in headless Chromium through chromedriver's WebDriver HTTP API (standard
library only): the browser smoke test of CI, the screenshots of docs/serve.md and the 70,000-point
t-SNE run. Every wait has a deadline, and the browser, driver and server are stopped on exit.

  serve_browser.py smoke       --latent BIN --serve PATH… [--expect-points N]
  serve_browser.py screenshots --latent BIN --serve PATH… --out DIR [--run-folder DIR]
  serve_browser.py tsne        --latent BIN --serve PATH… [--data DIR] [--timeout S]
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fail(message):
    print(f"serve_browser: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {url}: {error.code} {error.read()[:300]!r}") from None


class Server:
    """`latent serve` on a free loopback port; its URL is read from its first line of output."""

    def __init__(self, latent, paths, extra=()):
        self.log = open(os.environ.get("SERVE_LOG", "/tmp/latent-serve-browser.log"), "w")
        self.process = subprocess.Popen([latent, "serve", "--port", "0", *extra, *paths],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.time() + 600
        self.url = None
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"(http://\S+)", line)
            if match:
                self.url = match.group(1)
                break
        if not self.url:
            self.stop()
            fail(f"latent serve did not print its URL (see {self.log.name})")

    def rss_kb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Browser:
    """Headless Chromium under chromedriver, spoken to in WebDriver JSON over HTTP."""

    def __init__(self, width=1400, height=900):
        chrome = shutil.which("chromium") or shutil.which("chromium-browser")
        driver = shutil.which("chromedriver")
        if not chrome or not driver:
            fail("chromium and chromedriver are needed (scripts/bootstrap.sh installs them)")
        port = free_port()
        self.driver = subprocess.Popen([driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                http("GET", self.base + "/status", timeout=2)
                break
            except Exception:
                if time.time() > deadline:
                    self.driver.kill()
                    fail("chromedriver did not start")
                time.sleep(0.2)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--hide-scrollbars"]
        capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chrome, "args": args}, "timeouts": {"script": 60000, "pageLoad": 60000}}}}
        self.session = http("POST", self.base + "/session", capabilities)["value"]["sessionId"]

    def call(self, method, path, body=None, timeout=90):
        return http(method, f"{self.base}/session/{self.session}{path}", body, timeout=timeout).get("value")

    def open(self, url):
        # Through a blank page: a URL that differs only in its #fragment would not reload.
        self.call("POST", "/url", {"url": "about:blank"})
        self.call("POST", "/url", {"url": url})

    def run(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def state(self):
        return self.run("return window.explorerState || {};")

    def wait(self, what, condition, timeout=60):
        """Polls the page state until `condition(state)` holds; fails after `timeout` seconds."""
        deadline = time.time() + timeout
        while True:
            state = self.state()
            if condition(state):
                return state
            if time.time() > deadline:
                fail(f"timed out waiting for {what}; page state: {json.dumps(state)}")
            time.sleep(0.25)

    def pointer(self, css, x, y, click=False):
        """Moves the mouse to (x, y) CSS pixels from the centre of the element `css` selects, and
        clicks if asked."""
        cx, cy = self.run("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                          "return [r.left + r.width / 2, r.top + r.height / 2];", css)
        actions = [{"type": "pointerMove", "duration": 0, "origin": "viewport", "x": int(cx + x), "y": int(cy + y)}]
        if click:
            actions += [{"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]
        self.call("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse",
                                                    "parameters": {"pointerType": "mouse"}, "actions": actions}]})
        self.call("DELETE", "/actions")

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        print(f"wrote {path} ({len(png)} bytes)")

    def quit(self):
        try:
            http("DELETE", f"{self.base}/session/{self.session}", timeout=20)
        except Exception:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.driver.kill()


# Where point `i` of the scatter is, in CSS pixels from the canvas centre.
POINT_OFFSET = """
const s = window.explorer.scatter, i = arguments[0];
const [x, y] = s.toScreen(s.xy[2 * i], s.xy[2 * i + 1]);
const dpr = s.canvas.width / s.canvas.getBoundingClientRect().width;
return [(x - s.canvas.width / 2) / dpr, (y - s.canvas.height / 2) / dpr];
"""


def pick_visible_point(browser):
    """A point that is drawn on screen and nearest to no other within a few pixels, so a pointer
    placed on it hovers that point."""
    return browser.run("""
const s = window.explorer.scatter, n = s.xy.length / 2;
for (let i = 0; i < n; i += 1 + (n / 97 | 0)) {
  const [x, y] = s.toScreen(s.xy[2 * i], s.xy[2 * i + 1]);
  if (x > 20 && y > 20 && x < s.canvas.width - 20 && y < s.canvas.height - 20 && s.pick(x, y, 8) === i) return i;
}
return 0;""")


def check_projector(browser, url, dataset, expect_points, method="pca"):
    browser.open(f"{url}#tab=projector&dataset={dataset}&method={method}&run=1")
    state = browser.wait("the projection", lambda s: s.get("jobState") == "done" and s.get("points", 0) > 0, timeout=300)
    if expect_points is not None and state["points"] != expect_points:
        fail(f"the scatter holds {state['points']} points, expected {expect_points}")
    state = browser.wait("the scatter to be drawn", lambda s: s.get("drawn", 0) > 0)
    if expect_points is not None and state["drawn"] != expect_points:
        fail(f"{state['drawn']} of {expect_points} points drawn after fitting the view")
    print(f"projector: {state['points']} points, {state['drawn']} drawn in {state['drawMs']} ms")
    canvas = "#scatter"
    i = pick_visible_point(browser)
    x, y = browser.run(POINT_OFFSET, i)
    browser.pointer(canvas, x, y)
    state = browser.wait("hovering to find a point", lambda s: s.get("hovered", -1) >= 0, timeout=20)
    tip = browser.run("const t = document.getElementById('tip'); return t.hidden ? '' : t.textContent;")
    if not tip:
        fail("hovering a point showed no tooltip")
    browser.pointer(canvas, x, y, click=True)
    state = browser.wait("the neighbour list", lambda s: s.get("neighbors", 0) > 0, timeout=30)
    items = browser.run("return document.querySelectorAll('#neighbors li').length;")
    if items < 2:
        fail(f"the neighbour list has {items} entries")
    print(f"projector: hovered point {state['hovered']} ({tip.strip()}), clicked: {state['neighbors']} neighbours listed")


def check_pad(browser, url, model):
    browser.open(f"{url}#tab=pad&model={model}")
    browser.wait("the page", lambda s: s.get("ready") == "true" or s.get("ready") is True)
    pad = "#padcanvas"
    before = browser.state().get("decoded", 0)
    browser.pointer(pad, 40, -30)
    browser.pointer(pad, -50, 20)
    state = browser.wait("a decoded image", lambda s: s.get("decoded", 0) > before, timeout=30)
    size = browser.run("""const img = document.getElementById('decoded');
return img.complete ? [img.naturalWidth, img.naturalHeight] : [0, 0];""")
    deadline = time.time() + 10
    while size[0] == 0 and time.time() < deadline:
        time.sleep(0.2)
        size = browser.run("const img = document.getElementById('decoded'); return [img.naturalWidth, img.naturalHeight];")
    if size[0] <= 0:
        fail("the pad's image did not load")
    # The decoded picture is not blank: some pixels differ from the first one.
    spread = browser.run("""const img = document.getElementById('decoded');
const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
const x = c.getContext('2d'); x.drawImage(img, 0, 0);
const d = x.getImageData(0, 0, c.width, c.height).data; let lo = 255, hi = 0;
for (let i = 0; i < d.length; i += 4) { lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]); }
return hi - lo;""")
    if spread < 32:
        fail(f"the decoded image is blank (grey levels span {spread})")
    browser.pointer(pad, -80, -60, click=True)
    browser.pointer(pad, 90, 70, click=True)
    browser.wait("an interpolation strip", lambda s: s.get("strips", 0) > 0, timeout=30)
    print(f"pad: {state['decoded']} images decoded ({size[0]}×{size[1]}, grey span {spread}), interpolation strip drawn")


def check_runs(browser, url, run):
    browser.open(f"{url}#tab=runs&runid={run}")
    state = browser.wait("run charts", lambda s: s.get("charts", 0) > 0, timeout=30)
    print(f"runs: {state['charts']} charts")


def catalog(url):
    return http("GET", url + "api/catalog")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["smoke", "screenshots", "tsne"])
    parser.add_argument("--latent", required=True)
    parser.add_argument("--serve", nargs="+", required=True)
    parser.add_argument("--data")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--expect-points", type=int)
    parser.add_argument("--out", default="docs/images")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--live-run", help="screenshots: train a VAE into this folder while the server runs, "
                                           "and take the run screenshot while it trains")
    parser.add_argument("--live-data", help="MNIST directory for --live-run")
    args = parser.parse_args()
    extra = (["--data", args.data] if args.data else []) + (["--limit", str(args.limit)] if args.limit else [])
    trainer = None
    serve = list(args.serve)
    if args.live_run:
        # Started before the server, which finds run folders when it starts; run.json comes first.
        shutil.rmtree(args.live_run, ignore_errors=True)
        command = [args.latent, "train", "vae", "--epochs", "30", "--out", args.live_run, "--quiet"]
        if args.live_data:
            command += ["--data", args.live_data]
        trainer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not os.path.exists(os.path.join(args.live_run, "run.json")) and time.time() < deadline:
            time.sleep(0.2)
        serve.append(args.live_run)
    server = Server(args.latent, serve, extra)
    browser = None
    try:
        browser = Browser()
        found = catalog(server.url)
        codes = [d for d in found["datasets"] if d["kind"] == "codes"]
        if not codes or not found["models"]:
            fail("the served paths hold no model with codes")
        dataset, model = codes[0], next(m for m in found["models"] if m["id"] == codes[0]["model"])
        vae = next((m for m in found["models"] if m["kind"] == "vae"), model)
        if args.mode == "smoke":
            check_projector(browser, server.url, dataset["id"], args.expect_points or dataset["count"])
            check_pad(browser, server.url, vae["id"])
            if found["runs"]:
                check_runs(browser, server.url, found["runs"][0]["id"])
            else:
                fail("no run folder among the served paths")
            status = http("GET", server.url + "api/health")
            if not status.get("ok"):
                fail("the server stopped answering")
            print("serve_browser: smoke passed")
        elif args.mode == "screenshots":
            check_projector(browser, server.url, dataset["id"], None, method="tsne")
            browser.run("document.getElementById('neighbors').scrollTop = 0;")
            browser.screenshot(os.path.join(args.out, "serve-projector.png"))
            check_pad(browser, server.url, vae["id"])
            browser.run("document.getElementById('strength').value = 0.6;"
                        "document.getElementById('strength').dispatchEvent(new Event('input'));"
                        "document.getElementById('strength').dispatchEvent(new Event('change'));")
            time.sleep(1.5)
            browser.screenshot(os.path.join(args.out, "serve-pad.png"))
            if args.live_run:
                run = next(r for r in found["runs"] if r["name"].rstrip("/").endswith(os.path.basename(args.live_run.rstrip("/"))))
                browser.open(f"{server.url}#tab=runs&runid={run['id']}")
                state = browser.wait("three epochs of the live run", lambda s: s.get("live") and s.get("epochs", 0) >= 3,
                                     timeout=600)
                print(f"runs: live run at {state['epochs']} epochs, {state['charts']} charts")
            else:
                run = next((r for r in found["runs"] if "vae" in r["name"]), found["runs"][0] if found["runs"] else None)
                if run is None:
                    fail("no run folder to chart")
                check_runs(browser, server.url, run["id"])
            time.sleep(1.5)
            browser.screenshot(os.path.join(args.out, "serve-runs.png"))
        else:
            rss_before = server.rss_kb()
            started = time.time()
            browser.open(f"{server.url}#tab=projector&dataset={dataset['id']}&method=tsne&run=1")
            last = -1
            while True:
                state = browser.state()
                if state.get("iteration") != last:
                    last = state.get("iteration")
                    print(f"{time.time() - started:7.1f} s  iteration {last}  points {state.get('points')}  "
                          f"drawn {state.get('drawn')}  frame {state.get('frameMs')} ms (max {state.get('maxFrameMs')})  "
                          f"draw {state.get('drawMs')} ms", flush=True)
                if state.get("jobState") in ("done", "failed"):
                    break
                if time.time() - started > args.timeout:
                    fail("t-SNE did not finish in time")
                time.sleep(2)
            if state.get("jobState") != "done":
                fail("the t-SNE job failed: " + json.dumps(http("GET", server.url + f"api/jobs/{state.get('job')}")))
            job = http("GET", server.url + f"api/jobs/{state['job']}")
            print(f"t-SNE of {state['points']} points: {job['iteration']} iterations in {job['seconds']:.1f} s; "
                  f"page frames {state['frames']}, mean frame {state['frameMs']} ms over the last 120, "
                  f"longest frame {state['maxFrameMs']} ms, last draw {state['drawMs']} ms; "
                  f"server RSS {rss_before // 1024} → {server.rss_kb() // 1024} MB")
            if args.expect_points and state["points"] != args.expect_points:
                fail(f"{state['points']} points, expected {args.expect_points}")
    finally:
        if browser:
            browser.quit()
        server.stop()
        if trainer and trainer.poll() is None:
            trainer.terminate()
            trainer.wait(timeout=30)


if __name__ == "__main__":
    main()
