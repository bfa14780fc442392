"""The checks the page scan runs in the browser on every page: axe-core (vendored in
static/vendor/axe-core/) at WCAG 2.0/2.1 A and AA, untranslated English in the Chinese UI, raw
database ids or codes shown as labels, and the page body's horizontal scroll at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Latin words the Chinese UI may show: codes, formats, units and names that are written so.
ALLOWED_ENGLISH = {
    "api",
    "xlsx",
    "excel",
    "csv",
    "pdf",
    "json",
    "url",
    "email",
    "e-mail",
    "ok",
    "id",  # never alone: see RAW_ID_PATTERNS; allowed inside codes such as 'ID 号'
    "wcag",
    "gb",
    "t",
    "kpi",
    "ppp",
    "it",
    "app",
    "pos",
    "cpu",
    "sql",
    "html",
    "http",
    "https",
    "www",
    "smtp",
    "redis",
    "celery",
    "django",
    "bootstrap",
    "swagger",
    "redoc",
    "token",
    "demo",
    "invalid",  # the demo's e-mail domain, demo.invalid
    "kg",
    "km",
    "m",
    "cm",
    "h",
    "min",
    "s",
    "a",
    "b",
    "c",
    "d",
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "x",
    "q",
    # The spending file's column names, which the importer reads in English or Chinese.
    "unit",
    "project",
    "month",
    "amount",
}

# Visible text, and what a screen reader reads (aria-label, title, placeholder, alt), of the
# page's own content: not in <script>/<style>, not hidden, not marked translate="no".
VISIBLE_TEXT_JS = r"""
() => {
  const out = [];
  const skip = el => el.closest('script,style,noscript,[translate=no],[hidden],[aria-hidden=true]');
  const visible = el => !el.checkVisibility || el.checkVisibility({visibilityProperty: true})
                        || el.tagName === 'OPTION';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || skip(el) || !visible(el)) continue;
    const text = node.textContent.trim();
    if (text) out.push([text, el.tagName.toLowerCase()]);
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder],img[alt]')) {
    if (skip(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push([v.trim(), el.tagName.toLowerCase() + '@' + a]);
    }
  }
  return out;
}
"""

FILE_OR_LINK = re.compile(r"\S+@\S+|https?://\S+|(?<!\S)/\S*|[\w.-]+\.(?:xlsx|xls|csv|pdf|json|yaml)\b")
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
# Raw database ids or codes shown as labels: "#25", "Project object (3)", "sign_off".
RAW_ID_PATTERNS = [
    re.compile(r"(?<![\w&])#\d+"),
    re.compile(r"\bobject \(\d+\)"),
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    re.compile(r"\bpk\b|\bid[ :=]\s*\d+", re.IGNORECASE),
]


def untranslated_english(texts: list[list[str]]) -> list[str]:
    found = []
    for text, where in texts:
        # An e-mail address, a link or a file's name is not a word of the UI.
        cleaned = FILE_OR_LINK.sub(" ", text)
        words = [w for w in WORD.findall(cleaned) if w.lower().strip("’'-") not in ALLOWED_ENGLISH]
        if words:
            found.append(f"{where}: {text[:120]!r} ({', '.join(sorted(set(words))[:6])})")
    return found


def raw_ids(texts: list[list[str]]) -> list[str]:
    found = []
    for text, where in texts:
        cleaned = FILE_OR_LINK.sub(" ", text)
        for pattern in RAW_ID_PATTERNS:
            match = pattern.search(cleaned)
            if match:
                found.append(f"{where}: {text[:120]!r} ({match.group(0)!r})")
                break
    return found


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """axe-core at WCAG 2.0/2.1 A and AA (or only `rules`): one line per element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = page.evaluate(
        """async (runOnly) => {
          const r = await axe.run(document, {runOnly, resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
        }""",
        run_only,
    )
    out = []
    for v in result:
        for node in v["nodes"]:
            out.append(f"axe {v['id']} ({v['help']}): {node}")
    return out


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


# The page's markup without its words: two visits whose markup differs only in text (the same
# page in English, or as a second role who sees the same controls) give the same axe results,
# so axe runs once per fingerprint. Text nodes become "x" (so an empty label stays empty);
# attributes keep their names, and the values that carry words or links are dropped.
FINGERPRINT_JS = r"""
() => {
  const words = new Set(['value', 'href', 'action', 'title', 'aria-label', 'placeholder', 'alt',
                         'content', 'src']);
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { if (node.textContent.trim()) parts.push('x'); return; }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const attrs = [...node.attributes].map(a => words.has(a.name) || a.name.startsWith('data-')
                                              ? a.name : a.name + '=' + a.value).sort();
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

# At 390 px only the rules whose outcome depends on the layout run again.
LAYOUT_RULES = ["color-contrast", "scrollable-region-focusable", "link-in-text-block"]


def fingerprint(page) -> str:
    return page.evaluate(FINGERPRINT_JS)
