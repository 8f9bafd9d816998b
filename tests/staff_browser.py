"""What the staff browser tests share: measuring the page, saving screenshots."""

from __future__ import annotations

from pathlib import Path


def overflow(page) -> dict:
    """How wide the page is against the viewport, and the widest elements sticking out."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 0.5 && box.width > 0) {
              out.push([Math.round(box.right), el.tagName + (el.className ? '.' + el.className : '')
                + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '')]);
            }
          }
          out.sort((a, b) => b[0] - a[0]);
          return {viewport: width, scroll: document.documentElement.scrollWidth,
                  widest: out.slice(0, 5)};
        }"""
    )


SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact (test-results/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
