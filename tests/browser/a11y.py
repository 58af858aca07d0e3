"""axe-core, run by Playwright in the page: the engine ships inside the `axe-playwright-python` wheel
(axe.min.js, no CDN) and is injected through the DevTools protocol, so a strict CSP does not block it."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

SERIOUS = ("serious", "critical")
# Links a crawler must not follow: logging out, file downloads, vendored assets.
SKIP = re.compile(r"/logout|\.(csv|json|pdf|png|svg|js|css)(\?|$)|/vendor/|/static/|/download|/export|/template|"
                  r"/materials/")


@cache
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page; describe serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("""axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                                                                       else str(n["target"][0]) for n in v["nodes"][:3])
            for v in result["violations"] if v.get("impact") in SERIOUS]


def page_kind(url: str) -> str:
    """Pages of one kind (ids and months replaced) are checked once."""
    path = urlparse(url).path
    return re.sub(r"/\d+(?=/|$)", "/N", re.sub(r"/\d{4}(-(\d{2}|Q\d|H\d))?(?=/|$)", "/M", path))


def crawl(page, base: str, start: str = "/", limit: int = 40) -> dict[str, list[str]]:
    """Breadth-first over same-site GET links from `start`, one page per kind; axe violations by URL."""
    seen_kinds: set[str] = set()
    queue, found = [urljoin(base, start)], {}
    while queue and len(found) < limit:
        url = queue.pop(0)
        kind = page_kind(url)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        page.wait_for_load_state("load")
        found[url] = serious_violations(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = href.split("#")[0]
            if href.startswith(base) and not SKIP.search(href) and page_kind(href) not in seen_kinds:
                queue.append(href)
    return found
