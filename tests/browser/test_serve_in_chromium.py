"""`qkv-drill serve` in a real browser: headless Chromium loads the page, the app's Home screen
is drawn by the page's terminal, a key press reaches the app and comes back as a new screen, and
a screenshot of Home is taken.

The text checked is the page's own terminal buffer (xterm.js), read through a hook installed
before the page's scripts run; the screenshot is checked to be a drawn terminal, different on
Home and on Stats. Skips, saying why, when Chromium or a free port is not available.
"""

from __future__ import annotations

import asyncio
import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qkv_drill.tui.screens.home import MENU
from tests.helpers.chromium import Chromium, Page, chromium_binary
from tests.helpers.serving import free_port, stop, wait_for_port

aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with textual-serve")
pytest.importorskip("textual_serve", reason="textual-serve is not installed")

BROWSER = chromium_binary()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BROWSER is None,
        reason="Chromium is not installed: `apt-get install -y chromium` (.ci/run does this in CI)",
    ),
]

# Keeps a handle on the page's xterm.js Terminal when the page assigns `this.terminal = ...`.
HOOK = """
(() => {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    get() { return undefined; },
    set(value) {
      Object.defineProperty(this, "terminal", {
        value, writable: true, configurable: true, enumerable: true,
      });
      if (value && value.buffer) window.__terminal = value;
    },
  });
  window.__screenText = () => {
    const t = window.__terminal;
    if (!t) return "";
    const b = t.buffer.active, lines = [];
    for (let y = 0; y < t.rows; y++) {
      const line = b.getLine(b.viewportY + y);
      lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\\n");
  };
})();
"""
HOME_TEXT = ("qkv-drill", *(label for _, _, label, _ in MENU))  # the title and every menu entry
ON_HOME = " && ".join(f"window.__screenText().includes({t!r})" for t in HOME_TEXT)
ON_STATS = "window.__screenText().trimStart().startsWith('Stats')"  # the Stats screen's title


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "QKV_DRILL_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qkv_drill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


@pytest.fixture
def browser(tmp_path):
    assert BROWSER is not None
    chromium = Chromium(BROWSER, tmp_path / "chromium-profile")
    try:
        port = chromium.start()
    except (RuntimeError, TimeoutError) as e:
        chromium.stop()
        pytest.skip(f"Chromium is installed but could not start headless here: {e}")
    yield port
    chromium.stop()


def colours_in(png: bytes) -> int:
    """How many distinct colours a screenshot has (a blank page has one or two)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or ())


async def drive(url: str, devtools_port: int, shots: Path) -> dict[str, str]:
    async with aiohttp.ClientSession() as http:
        page = await Page.open(http, devtools_port)
        await page.send("Page.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
        await page.send("Page.navigate", url=url)
        seen: dict[str, str] = {}
        seen["home"] = await page.wait_for(
            f"window.__screenText && {ON_HOME} && window.__screenText()", timeout=60
        )
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        # Home's key for Stats; pressed again if the app was still starting up.
        for _ in range(6):
            await page.press("s", "KeyS", text="s", key_code=83)
            try:
                seen["stats"] = await page.wait_for(f"{ON_STATS} && window.__screenText()", 5)
                break
            except TimeoutError:
                continue
        shot = await page.send("Page.captureScreenshot", format="png")
        (shots / "stats.png").write_bytes(base64.b64decode(shot["data"]))
        await page.press("Escape", "Escape", key_code=27)
        seen["back"] = await page.wait_for(f"!{ON_STATS} && {ON_HOME} && window.__screenText()")
        await asyncio.sleep(0.5)  # let the canvas paint the last frame
        shot = await page.send("Page.captureScreenshot", format="png")
        (shots / "home.png").write_bytes(base64.b64decode(shot["data"]))
        seen["after_shot"] = await page.evaluate("window.__screenText()")
        await page.ws.close()
        return seen


def test_home_screen_in_headless_chromium_and_a_key_press(server, browser, tmp_path):
    seen = asyncio.run(drive(server, browser, tmp_path))
    for text in HOME_TEXT:
        assert text in seen["home"] and text in seen["after_shot"]
    assert "stats" in seen, "pressing s on Home never opened Stats"
    mock_entry = next(label for where, _, label, _ in MENU if where == "mock")
    assert seen["stats"].lstrip().startswith("Stats") and mock_entry not in seen["stats"]
    home_png = (tmp_path / "home.png").read_bytes()
    stats_png = (tmp_path / "stats.png").read_bytes()
    assert home_png.startswith(b"\x89PNG") and stats_png.startswith(b"\x89PNG")
    assert colours_in(home_png) > 8, "the Home screenshot is blank"
    assert home_png != stats_png
