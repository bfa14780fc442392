"""The checks the page scan (test_page_scan.py) runs in the browser on every page: axe-core
(vendored in static/vendor/axe-core/) at WCAG 2.0/2.1 A and AA, duplicate ids and ARIA references
to absent elements, and the page body's horizontal scroll at 390 px."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """axe-core at WCAG 2.0/2.1 A and AA: one dict per element (rule id, help, target, summary)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # From the live server's static files: the Content-Security-Policy refuses an inline script.
        page.add_script_tag(
            url=page.evaluate("() => new URL('/static/vendor/axe-core/axe.min.js', location).href")
        )
    return page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']});
          return r.violations.flatMap(v => v.nodes.map(n => ({id: v.id, help: v.help,
            target: n.target.join(' '),
            summary: (n.failureSummary || '').split('\\n').slice(1).join(' ').slice(0, 300)})));
        }""",
        AXE_TAGS,
    )


def body_overflow(page) -> str | None:
    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        culprit = page.evaluate(
            """() => { const w = document.scrollingElement.clientWidth; const out = [];
              for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > w + 1 && !el.closest('.table-responsive')) out.push(
                  el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                  ' right=' + Math.round(r.right));
                if (out.length > 3) break; }
              return out.join('; '); }"""
        )
        return f"page body scrolls sideways at 390 px: {widths[0]} > {widths[1]} ({culprit})"
    return None


# What axe 4.x no longer reports at these tags but a screen reader stumbles on: two elements with
# one id (a label then names the wrong field) and aria-describedby naming an absent element.
ID_CHECKS_JS = r"""
() => {
  const out = [], seen = {};
  for (const el of document.querySelectorAll('[id]')) {
    if (seen[el.id]) out.push('duplicate id #' + el.id); seen[el.id] = true;
  }
  for (const el of document.querySelectorAll('[aria-describedby],[aria-labelledby]')) {
    for (const a of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(a) || '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) out.push(`${a}="${id}" on ${el.tagName.toLowerCase()}#${el.id} names no element`);
      }
    }
  }
  return [...new Set(out)];
}
"""


def id_problems(page) -> list[str]:
    return page.evaluate(ID_CHECKS_JS)


def settle(page) -> None:
    """Two animation frames after a resize: the page's resize handlers have run."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# The page's markup without its words: two visits whose markup differs only in text (a second
# role who sees the same controls) give the same axe results, so axe runs once per fingerprint.
# Text nodes become "x" (so an empty label stays empty); attributes keep their names, and the
# values that carry words or links are reduced to empty or not.
FINGERPRINT_JS = r"""
() => {
  const words = new Set(['value', 'href', 'action', 'title', 'aria-label', 'placeholder', 'alt',
                         'content', 'src']);
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { if (node.textContent.trim()) parts.push('x'); return; }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    // A word-carrying value is kept as empty or not: an empty aria-label or alt is a fault.
    const attrs = [...node.attributes].map(a => words.has(a.name) || a.name.startsWith('data-')
                                              ? a.name + (a.value.trim() ? '' : '=')
                                              : a.name + '=' + a.value).sort();
    parts.push('<' + node.tagName + ' ' + attrs.join(' ') + '>');
    for (const child of node.childNodes) walk(child);
    parts.push('>');
  };
  walk(document.documentElement);
  let h = 2166136261;
  const s = parts.join('');
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  return h.toString(16) + ':' + s.length;
}
"""


def fingerprint(page) -> str:
    return page.evaluate(FINGERPRINT_JS)
