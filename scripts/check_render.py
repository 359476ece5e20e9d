#!/usr/bin/env python3
"""Render every card of an .apkg the way Anki's reviewer shows it, and report what looks broken.

    python3 scripts/check_render.py decks/studykit.apkg [--night] [--screenshots DIR] [--json]

The package is imported into a throwaway collection with Anki's own `anki` library; every card's question
and answer come from Anki's template engine (`card.question()` / `card.answer()`: the note type's CSS in a
<style>, then the rendered template), with media file names escaped as the reviewer escapes them. Each side
is put into a page laid out like the reviewer's (`<body class="card card1"><div id="qa">`, Anki's reviewer
rules that affect layout, a viewport 800 px wide) in the collection's media folder, so the package's
pictures sit next to the page, and typeset with MathJax 3 configured as Anki configures it (tex-chtml-full,
`\\(…\\)` inline, `\\[…\\]` display, packages noerrors and mathtools added, textmacros removed). The pages
are shown by headless Chromium (Anki's reviewer is Chromium, through Qt WebEngine), driven over the
DevTools protocol on a pipe: no Python package beyond `anki` is needed, and one browser tab renders all
cards one after the other.

Per card it reports:
  maths     a TeX error (merror / noerrors output, with MathJax's message and the TeX), an undefined
            macro (noundefined's red text), `\\(` `\\[` left unprocessed in the visible text, or an
            unescaped `%` (a TeX comment: the rest of its line silently disappears);
  picture   an <img> that did not load (naturalWidth 0 after load), or a missing-picture placeholder;
  markdown  Markdown left in the visible text outside code and maths: `**`, `__`, a line starting with
            `#`, `$$`, `==mark==`, `` `code` ``, `[text](url)` / `![alt](path)`, `{{c1::` and
            percent-encoded names (%20, %5C, …);
  overflow  the card page scrolls sideways (document.scrollingElement.scrollWidth > clientWidth), with the
            element that sticks out; or content cut off by a box that hides its overflow.
A wide table, formula or code block that scrolls inside its own box is fine; the summary counts them.

Exit status: 0 when no card has a problem, 1 when any has, 2 when the check could not run.
Runs on Linux and macOS (Chromium's DevTools pipe is inherited file descriptors 3 and 4).

Needs (developer tool; the test suite never runs it):
  Chromium   Debian/Ubuntu: `apt-get install -y chromium` (and `fonts-noto-cjk` for Chinese text);
             or --chromium PATH / $STUDYKIT_CHROMIUM.
  MathJax 3  from npm, outside the repository:
               npm install --prefix ~/.cache/studykit-render mathjax@3
             found there by default, else --mathjax DIR / $STUDYKIT_MATHJAX (a folder holding
             es5/tex-chtml-full.js, or that es5 folder itself, or an npm prefix with node_modules/mathjax).
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import html
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MATHJAX_PREFIX = Path.home() / ".cache" / "studykit-render"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
                  "/Applications/Chromium.app/Contents/MacOS/Chromium",
                  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--disable-crash-reporter",
    "--disable-breakpad",
    "--allow-file-access-from-files",  # MathJax's fonts are file:// fetches from a file:// page
)

GET_MATHJAX = f"""MathJax 3 was not found. Get it once, outside the repository (needs npm):
    npm install --prefix {DEFAULT_MATHJAX_PREFIX} mathjax@3
then run this script again (it looks there by default), or pass --mathjax DIR / set STUDYKIT_MATHJAX
to a folder holding es5/tex-chtml-full.js."""

GET_CHROMIUM = """Chromium was not found. Install it (Debian/Ubuntu, as root):
    apt-get install -y chromium fonts-noto-cjk
or pass --chromium PATH / set STUDYKIT_CHROMIUM to a Chromium or Chrome executable."""

# Anki's MathJax configuration (ts/mathjax/index.ts in Anki's source), with the paths pointed at the local copy.
# Anki's reviewer loads tex-chtml-full.js after it (ts/reviewer/index.ts) and typesets #qa after each update.
MATHJAX_CONFIG = """
window.MathJax = {
  tex: {
    inlineMath: [["\\\\(", "\\\\)"]],
    displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: false,
    processEnvironments: false,
    processRefs: false,
    packages: {"[+]": ["noerrors", "mathtools"], "[-]": ["textmacros"]},
  },
  loader: {load: ["[tex]/noerrors", "[tex]/mathtools"], paths: {mathjax: %(mathjax_url)s}},
  startup: {typeset: false},
};
"""

# The rules of Anki's reviewer.css that change layout (ts/reviewer/reviewer.scss). The note type's CSS comes
# later in the page, as in Anki, so `.card { margin: … }` on <body> wins over `body { margin: 20px }`.
REVIEWER_CSS = """
body { margin: 20px; overflow-wrap: break-word; }
hr { background-color: #ccc; margin: 1em 0; border: none; height: 1px; }
img { max-width: 100%; max-height: 95vh; }
li { text-align: start; }
pre { text-align: left; }
"""

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>studykit render check</title>
<style id="reviewer">%(reviewer_css)s</style>
<style>.sk-check-text pre, .sk-check-text code, .sk-check-text mjx-container, .sk-check-text style,
.sk-check-text script { display: none !important; }</style>
<script>%(mathjax_config)s</script>
<script src=%(mathjax_js)s></script>
<script>%(page_js)s</script>
</head><body class="card card1"><div id="qa" dir="auto"></div></body></html>
"""

PAGE_JS = r"""
const MATH_RE = /\\\[(.*?)\\\]|\\\((.*?)\\\)/su;   // Anki's reviewer typesets only when this matches
const MARKDOWN = [
  [/\*\*/g, "**"],
  [/__/g, "__"],
  [/^[ \t]*#{1,6}[ \t]/gm, "line starting with #"],
  [/\$\$/g, "$$"],
  [/==[^=\s][^=\n]*==/g, "==mark=="],
  [/`[^`\n]+`/g, "`code`"],
  [/!?\[[^\]\n]*\]\([^)\n]*\)/g, "[text](link)"],
  [/\{\{c\d+::/g, "{{c1:: cloze"],
  [/[^\s%]*%[0-9A-Fa-f]{2}[^\s]*/g, "percent-encoded name"],
];

function snippet(text, at, len) {
  const start = Math.max(0, at - 25), end = Math.min(text.length, at + len + 25);
  return (start > 0 ? "…" : "") + text.slice(start, end).replace(/\s+/g, " ") + (end < text.length ? "…" : "");
}

function describe(el) {
  if (el.tagName === "MJX-ASSISTIVE-MML") {
    return "MathJax's invisible screen-reader copy (mjx-assistive-mml) of " + describe(el.parentElement);
  }
  let name = el.tagName.toLowerCase();
  if (el.id) name += "#" + el.id;
  const classes = typeof el.className !== "string" ? []
    : el.className.trim().split(/\s+/).filter((c) => c && !c.startsWith("CtxtMenu"));
  if (classes.length) name += "." + classes.join(".");
  if (el.getAttribute("display") === "true") name += "[display]";
  const raw = el.tagName === "IMG" ? (el.getAttribute("src") || "") : (el.textContent || "");
  const text = raw.replace(/\s+/g, " ").trim();
  return name + (text ? " \u201c" + (text.length > 60 ? text.slice(0, 60) + "…" : text) + "\u201d" : "");
}

function mathProblems(qa, out) {
  if (typeof MathJax === "undefined" || !MathJax.startup || !MathJax.startup.document) return;
  for (const item of MathJax.startup.document.getMathItemsWithin(qa)) {
    out.maths_count += 1;
    const tex = item.math;
    const where = (item.display ? "\\[" : "\\(") + tex + (item.display ? "\\]" : "\\)");
    if (!item.root) { out.maths.push({message: "not typeset", tex: where}); continue; }
    if (/(^|[^\\])(\\\\)*%/.test(tex)) {
      out.maths.push({message: "unescaped % starts a TeX comment (the rest of its line is not shown; write \\%)",
                      tex: where});
    }
    item.root.walkTree((node) => {
      if (node.isKind("merror")) {
        const message = node.attributes.get("data-mjx-error") || node.attributes.get("title") || "error";
        out.maths.push({message: "TeX error: " + message, tex: where});
      } else if (node.isKind("mtext") && node.attributes.get("mathcolor") === "red") {
        const text = node.childNodes.map((c) => (c.getText ? c.getText() : "")).join("");
        if (text.startsWith("\\")) out.maths.push({message: "undefined macro " + text, tex: where});
      }
    });
  }
}

function visibleText(qa) {
  document.documentElement.classList.add("sk-check-text");
  const text = qa.innerText;
  document.documentElement.classList.remove("sk-check-text");
  return text;
}

function overflowProblems(out) {
  const se = document.scrollingElement;
  const vw = se.clientWidth;
  out.page = {scrollWidth: se.scrollWidth, clientWidth: vw};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, {
    acceptNode(el) {
      const tag = el.tagName;
      if (tag === "STYLE" || tag === "SCRIPT") return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const sticking = [];
  const rightOf = new Map();
  for (let el = walker.nextNode(); el; el = walker.nextNode()) {
    const style = getComputedStyle(el);
    const ox = style.overflowX;
    if (ox !== "visible") {
      const inside = el.closest("mjx-container") && el.tagName !== "MJX-CONTAINER";
      if (el.scrollWidth > el.clientWidth + 1 && !inside) {
        const tag = el.tagName.toLowerCase();
        if (ox === "auto" || ox === "scroll") out.scrollers.push(tag === "mjx-container" ? "math" : tag);
        else out.clipped.push({element: describe(el), width: el.scrollWidth, box: el.clientWidth});
      }
    }
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) {
      // outermost sticking-out element whose ancestors do not contain it
      let contained = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") { contained = true; break; }
      }
      if (!contained && !(el.parentElement && sticking.includes(el.parentElement))) sticking.push(el);
    }
  }
  if (se.scrollWidth > vw) {
    // text that runs past the edge of a box that does not stick out itself (a long word, a long line of code)
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = texts.nextNode(); t && sticking.length < 20; t = texts.nextNode()) {
      const parent = t.parentElement;
      if (!parent || sticking.some((el) => el.contains(parent))) continue;
      if (parent.closest("mjx-assistive-mml, style, script")) continue;
      range.selectNodeContents(t);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && r.right > vw + 0.5) {
        let contained = false;
        for (let p = parent; p && p !== document.body; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== "visible") { contained = true; break; }
        }
        if (!contained) { sticking.push(parent); rightOf.set(parent, r.right); }
      }
    }
    const top = sticking.filter((el) => !sticking.some((o) => o !== el && o.contains(el)));
    out.overflow.push({
      scrollWidth: se.scrollWidth, clientWidth: vw,
      culprits: top.slice(0, 3).map((el) => ({
        element: describe(el), right: Math.round(rightOf.get(el) || el.getBoundingClientRect().right),
      })),
    });
  }
}

async function waitForImages(qa) {
  const imgs = Array.from(qa.querySelectorAll("img"));
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((resolve) => {
    img.addEventListener("load", resolve, {once: true});
    img.addEventListener("error", resolve, {once: true});
    setTimeout(resolve, 5000);
  })));
  return imgs;
}

window.checkCard = async function (html, bodyClass) {
  const out = {maths: [], maths_count: 0, pictures: [], markdown: [], overflow: [], clipped: [], scrollers: []};
  const qa = document.getElementById("qa");
  document.body.className = bodyClass;
  window.scrollTo(0, 0);
  qa.innerHTML = html;
  if (MATH_RE.test(html)) {
    try {
      await MathJax.startup.promise;
      MathJax.typesetClear();
      await MathJax.typesetPromise([qa]);
    } catch (e) {
      out.maths.push({message: "MathJax failed: " + (e && e.message || e), tex: ""});
    }
  }
  const imgs = await waitForImages(qa);
  await document.fonts.ready;
  mathProblems(qa, out);
  for (const img of imgs) {
    if (img.naturalWidth === 0) {
      let decoded = false;
      try { await img.decode(); decoded = img.getBoundingClientRect().width > 0; } catch (e) { decoded = false; }
      const src = img.getAttribute("src") || "(no src)";
      const what = /^https?:/i.test(src) ? "web picture did not load (it needs a connection): "
                                          : "picture did not load: ";
      if (!decoded) out.pictures.push(what + src);
    }
  }
  for (const span of qa.querySelectorAll(".missing-picture")) {
    out.pictures.push("missing-picture placeholder: " + span.textContent.replace(/\s+/g, " ").trim());
  }
  const text = visibleText(qa);
  for (const m of text.matchAll(/\\[(\[]/g)) {
    out.maths.push({message: "maths delimiter left unprocessed", tex: snippet(text, m.index, 2)});
  }
  for (const [re, name] of MARKDOWN) {
    const found = Array.from(text.matchAll(re));
    if (found.length) out.markdown.push({what: name + (found.length > 1 ? ` (${found.length}×)` : ""),
                                         text: snippet(text, found[0].index, found[0][0].length)});
  }
  overflowProblems(out);
  return out;
};
window.checkerReady = new Promise((resolve) => {
  if (document.readyState === "complete") resolve(true);
  else window.addEventListener("load", () => resolve(true));
}).then(() => (typeof MathJax !== "undefined" && MathJax.startup ? MathJax.startup.promise : null))
  .then(() => ({mathjax: typeof MathJax !== "undefined" && MathJax.version ? MathJax.version : null}));
"""


class SetupError(Exception):
    """The check cannot run here (no Chromium, no MathJax, a package that does not import)."""


# ---------------------------------------------------------------------------------------------------------------
# Finding the tools


def find_mathjax(option: str | None) -> Path:
    """The folder holding tex-chtml-full.js."""
    candidates = []
    for given in (option, os.environ.get("STUDYKIT_MATHJAX")):
        if given:
            candidates.append(Path(given).expanduser())
            break
    else:
        candidates.append(DEFAULT_MATHJAX_PREFIX)
    for base in candidates:
        for folder in (base, base / "es5", base / "node_modules" / "mathjax" / "es5", base / "mathjax" / "es5",
                       base / "package" / "es5"):
            if (folder / "tex-chtml-full.js").is_file():
                return folder.resolve()
    raise SetupError(f"no tex-chtml-full.js under {candidates[0]}\n{GET_MATHJAX}")


def mathjax_version(es5: Path) -> str:
    package = es5.parent / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8")).get("version", "?")
    except (OSError, ValueError):
        return "?"


def find_chromium(option: str | None) -> str:
    given = option or os.environ.get("STUDYKIT_CHROMIUM")
    if given:
        path = shutil.which(given) or (given if Path(given).is_file() else None)
        if not path:
            raise SetupError(f"{given}: no such executable\n{GET_CHROMIUM}")
        return path
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise SetupError(GET_CHROMIUM)


# ---------------------------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol, on a pipe (--remote-debugging-pipe: the browser reads commands on fd 3
# and writes replies on fd 4, each a JSON text ended by a NUL byte)


class Browser:
    def __init__(self, executable: str, profile: Path, width: int, height: int):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds():  # in the child, before exec: its fd 3 and 4 become the two pipe ends
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                "--remote-debugging-pipe", "about:blank"]
        # close_fds=False: Python's own descriptors are not inheritable anyway, and 3 and 4 must stay open.
        # Chromium gets its own process group, so that closing it also ends its renderer and helper processes.
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=wire_fds, close_fds=False,
                                     start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                written = os.write(self._to_child, data)
                data = data[written:]
        except BrokenPipeError:
            raise RuntimeError("Chromium has gone away (it crashed or was killed)") from None
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if reply.get("method") == "Page.loadEventFired":  # the one event anything waits for
                self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe (did it start? try running it by hand)")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except Exception:
                    pass
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # whatever of this browser is left
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass


class Tab:
    def __init__(self, browser: Browser, width: int, height: int):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def call(self, method: str, params: dict | None = None, timeout: float = 60):
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def open(self, url: str, timeout: float = 60):
        self.browser.events.clear()
        self.call("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", timeout)

    def evaluate(self, expression: str, timeout: float = 60):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise RuntimeError(f"page script failed: {text}")
        return result["result"].get("value")

    def screenshot(self, path: Path):
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))


# ---------------------------------------------------------------------------------------------------------------
# Cards


@dataclass
class CardReport:
    guid: str
    source: str
    notetype: str
    problems: dict[str, set[str]] = field(default_factory=dict)  # problem text -> sides ("front", "back")
    scrollers: list[str] = field(default_factory=list)
    maths: int = 0

    def add(self, problem: str, side: str):
        self.problems.setdefault(problem, set()).add(side)


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text or "")).strip()


def short(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_cards(apkg: Path, folder: Path, search: str = ""):
    """Import `apkg` into a new collection in `folder`; yields (card info, question html, answer html)."""
    try:
        from anki.collection import Collection, ImportAnkiPackageRequest
    except ImportError as exc:
        raise SetupError(f"Anki's Python library is needed: pip install anki ({exc})") from exc
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        options = col._backend.get_import_anki_package_presets()
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
        media = Path(col.media.dir())
        cards = []
        for cid in sorted(col.find_cards(search)):
            card = col.get_card(cid)
            note = card.note()
            names = [f["name"] for f in note.note_type()["flds"]]
            source = note.fields[names.index("Source")] if "Source" in names else ""
            info = CardReport(guid=note.guid, source=plain(source), notetype=note.note_type()["name"])
            question = col.media.escape_media_filenames(card.question())
            answer = col.media.escape_media_filenames(card.answer())
            cards.append((info, card.ord, question, answer))
        return col, media, cards
    except Exception:
        col.close()
        raise


def problems_of(out: dict) -> list[str]:
    found = []
    for m in out["maths"]:
        found.append(f"maths: {m['message']}" + (f" in {short(m['tex'], 140)}" if m.get("tex") else ""))
    for p in out["pictures"]:
        found.append(f"picture: {short(p, 200)}")
    for m in out["markdown"]:
        found.append(f"markdown: {m['what']} in “{short(m['text'], 90)}”")
    for o in out["overflow"]:
        culprits = ", ".join(f"{c['element']} (to {c['right']} px)" for c in o["culprits"]) or "?"
        found.append(f"overflow: the card scrolls sideways ({o['scrollWidth']} px in {o['clientWidth']} px): "
                     f"{culprits}")
    for c in out["clipped"]:
        found.append(f"overflow: content cut off, {c['width']} px in a {c['box']} px box that hides it: {c['element']}")
    return found


def check(args) -> int:
    apkg = Path(args.package)
    if not apkg.is_file():
        raise SetupError(f"{apkg}: no such file")
    es5 = find_mathjax(args.mathjax)
    chromium = find_chromium(args.chromium)
    started = time.monotonic()
    body_class_extra = " nightMode night_mode" if args.night else ""
    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="studykit-render-") as tmp:
        tmp = Path(tmp)
        col, media, cards = load_cards(apkg, tmp / "collection", args.search or "")
        try:
            page = media / "_studykit_render_check.html"
            page.write_text(PAGE % {
                "reviewer_css": "" if args.bare else REVIEWER_CSS,
                "mathjax_config": MATHJAX_CONFIG % {"mathjax_url": json.dumps(es5.as_uri())},
                "mathjax_js": json.dumps((es5 / "tex-chtml-full.js").as_uri()),
                "page_js": PAGE_JS,
            }, encoding="utf-8")
            browser = Browser(chromium, tmp / "profile", args.width, args.height)
            try:
                product = browser.send("Browser.getVersion", timeout=30).get("product", "Chromium")
                tab = Tab(browser, args.width, args.height)
                tab.open(page.as_uri())
                ready = tab.evaluate("window.checkerReady", timeout=60)
                if not ready or not ready.get("mathjax"):
                    raise SetupError(f"MathJax did not load from {es5}\n{GET_MATHJAX}")
                for n, (info, ord_, question, answer) in enumerate(cards, 1):
                    for side, text in (("front", question), ("back", answer)):
                        body_class = f"card card{ord_ + 1}{body_class_extra}"
                        out = tab.evaluate(f"checkCard({json.dumps(text)}, {json.dumps(body_class)})",
                                           timeout=args.timeout)
                        found = problems_of(out)
                        for problem in found:
                            info.add(problem, side)
                        if side == "back":
                            info.scrollers = out["scrollers"]
                            info.maths = out["maths_count"]
                        if shots and (found or args.all_screenshots):
                            tab.screenshot(shots / f"{n:04d}-{re.sub(r'[^A-Za-z0-9]+', '_', info.guid)}-{side}.png")
                    if args.progress and n % 50 == 0:
                        print(f"  {n}/{len(cards)} cards…", file=sys.stderr)
            finally:
                browser.close()
        finally:
            col.close()
    elapsed = time.monotonic() - started
    return report(args, apkg, cards, elapsed, product, mathjax_version(es5))


def report(args, apkg: Path, cards, elapsed: float, product: str, mj_version: str) -> int:
    infos = [c[0] for c in cards]
    bad = [i for i in infos if i.problems]
    kinds: dict[str, int] = {}
    for info in bad:
        for kind in sorted({p.split(":", 1)[0] for p in info.problems}):
            kinds[kind] = kinds.get(kind, 0) + 1
    scrollers: dict[str, int] = {}
    for info in infos:
        for s in info.scrollers:
            scrollers[s] = scrollers.get(s, 0) + 1
    if args.json:
        print(json.dumps({
            "package": str(apkg), "cards": len(infos), "seconds": round(elapsed, 2), "browser": product,
            "mathjax": mj_version, "width": args.width, "night": args.night,
            "problem_cards": len(bad), "problem_kinds": kinds, "scroll_boxes": scrollers,
            "problems": [{"guid": i.guid, "source": i.source, "notetype": i.notetype,
                          "problems": [{"problem": p, "sides": sorted(s)} for p, s in i.problems.items()]}
                         for i in bad],
        }, ensure_ascii=False, indent=1))
        return 1 if bad else 0
    mode = "night mode, " if args.night else ""
    print(f"{apkg}: {len(infos)} cards, {2 * len(infos)} sides rendered in {elapsed:.1f} s "
          f"({product}, MathJax {mj_version}, {mode}{args.width} px{', no reviewer CSS' if args.bare else ''})")
    print(f"formulas typeset on the answers: {sum(i.maths for i in infos)}; "
          "boxes that scroll inside themselves (fine): "
          + (", ".join(f"{k} {v}" for k, v in sorted(scrollers.items())) or "none"))
    if not bad:
        print("no problems found")
        return 0
    print(f"{len(bad)} cards with problems: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for info in bad:
        for problem, sides in info.problems.items():
            where = "+".join(s for s in ("front", "back") if s in sides)
            print(f"{info.guid}\t{info.source or '(no source)'}\t[{where}] {problem}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render every card of an Anki package as Anki's reviewer does (Chromium + MathJax 3) and "
                    "report maths errors, broken pictures, leftover Markdown and sideways scrolling.",
        epilog=GET_MATHJAX.replace("MathJax 3 was not found. ", "MathJax 3: ") + "\n\n"
               + GET_CHROMIUM.replace("Chromium was not found. ", "Chromium: "),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="the .apkg to check (e.g. decks/studykit.apkg)")
    parser.add_argument("--mathjax", help="MathJax 3 folder (default: $STUDYKIT_MATHJAX, else "
                                          f"{DEFAULT_MATHJAX_PREFIX}/node_modules/mathjax)")
    parser.add_argument("--chromium", help="Chromium executable (default: $STUDYKIT_CHROMIUM, else chromium on PATH)")
    parser.add_argument("--search", metavar="QUERY",
                        help='check only the cards an Anki search finds, e.g. "tag:ex04" or "deck:studykit::04*"')
    parser.add_argument("--width", type=int, default=800, help="reviewer width in CSS px (default 800)")
    parser.add_argument("--height", type=int, default=900, help="reviewer height in CSS px (default 900)")
    parser.add_argument("--night", action="store_true", help="render in night mode (body.nightMode)")
    parser.add_argument("--bare", action="store_true",
                        help="leave out Anki's reviewer CSS: only the note type's CSS (as a plainer client would)")
    parser.add_argument("--screenshots", metavar="DIR", help="save a PNG of every card side that has a problem")
    parser.add_argument("--all-screenshots", action="store_true",
                        help="with --screenshots: save every card side, not only those with a problem")
    parser.add_argument("--timeout", type=float, default=30, help="seconds allowed for one card side (default 30)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    args = parser.parse_args(argv)
    try:
        return check(args)
    except SetupError as exc:
        print(f"check_render: {exc}", file=sys.stderr)
        return 2
    except (TimeoutError, RuntimeError, OSError) as exc:
        print(f"check_render: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
