"""No English in the Chinese interface: every page of the menu, opened in Debian's Chromium
by the roles that see them, shows no Latin-script UI word in its visible text, its inputs'
placeholders or its buttons' labels.

Allowed: proper nouns and codes (referral numbers, file types, Excel, Word, URLs), the
Material icon ligatures Streamlit draws as text (``[data-testid=stIconMaterial]``), and the
texts a user typed (the sample city's data). The demo label reads 演示模式.
"""

from __future__ import annotations

import re

import pytest

from ui.menu import PAGES

pytestmark = pytest.mark.browser

#: Latin words a Chinese screen may show: file formats, product names, units, the file that
#: tells how to configure, and the language switch's own name (so that an English reader finds it).
ALLOWED = {
    "csv", "xlsx", "xls", "excel", "word", "docx", "pdf", "jpeg", "jpg", "png", "mb", "kb", "gb", "utf", "bom",
    "readme", "docs", "login", "md", "apprise", "sqlite", "postgresql", "language", "english", "ok",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
#: Codes and typed data: URLs, referral and meeting numbers, user names, e-mail addresses.
CODES = re.compile(r"[a-z]+://\S+|[\w.+-]+@[\w.-]+|\b[A-Z]{1,4}-\d[\w-]*|\b[A-Za-z]+\d+\b|`[^`]*`")

#: Everything a user reads on the page: visible text (outside Material icon ligatures, which
#: Streamlit marks ``translate="no"``, and outside the tables', charts' and map's data), the
#: placeholders of empty inputs, and texts drawn by CSS (``::before``/``::after``, as
#: ``ui.screen`` draws the uploader's and the date fields' Chinese). Screen-reader-only names
#: of Streamlit's icon buttons (``aria-label``) are not drawn and not checked.
COLLECT = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const skip = el => el.closest('[translate=no], [data-testid=stDataFrame], [data-testid=stPlotlyChart], '
     + '[data-testid=stDeckGlJsonChart], code, pre, [data-testid=stTable]');
  const shown = el => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && s.fontSize !== '0px'
      && r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > -2000;
  };
  const out = [];
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, el = n.parentElement;
    if (!el || !n.textContent.trim() || skip(el) || !shown(el)) continue;
    out.push(n.textContent.trim());
  }
  for (const el of app.querySelectorAll('input, textarea')) {
    if (el.placeholder && !el.value && shown(el)) out.push('占位：' + el.placeholder);
  }
  for (const el of app.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c.startsWith('"') && c.length > 3) out.push(c);
    }
  }
  return out;
}"""


def latin_words(texts: list[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        for word in WORD.findall(CODES.sub(" ", text)):
            if word.lower() not in ALLOWED:
                found.append((word, text[:80]))
    return found


def _visit(page, base, path, wait_idle) -> list[tuple[str, str]]:
    page.goto(base + "/" + path)
    wait_idle(page)
    # Open every expander and tab so that their contents are read too.
    for sel in ("[data-testid=stExpander] summary",):
        for i in range(page.locator(sel).count()):
            try:
                page.locator(sel).nth(i).click(timeout=2000)
            except Exception:
                pass
    wait_idle(page)
    return latin_words(page.evaluate(COLLECT))


@pytest.mark.parametrize("username", ["admin", "head01"])
def test_no_english_in_the_chinese_interface(live_app, new_page, login, wait_idle, username):
    page = new_page()
    login(page, "/", username)
    assert "演示模式" in page.inner_text("[data-testid=stApp]")
    links = page.locator("[data-testid=stSidebarNav] a")
    paths = sorted({(links.nth(i).get_attribute("href") or "").rstrip("/").rsplit("/", 1)[-1]
                    for i in range(links.count())})
    assert paths
    problems = {}
    for path in paths:
        if path == "projector":
            continue  # its own browser test; it polls
        found = _visit(page, live_app.base, path, wait_idle)
        if found:
            problems[path] = found
    assert not problems, problems


@pytest.mark.parametrize("typed", ["20261130", "2026-11-30", "2026/11/30"])
def test_a_date_is_accepted_as_people_type_it(live_app, new_page, login, wait_idle, typed):
    """Streamlit 1.67's date field is a row of segments (年/月/日): typing the digits moves on
    from segment to segment, and a separator typed between them is taken as the move."""
    page = new_page()
    login(page, "/", "admin")
    page.goto(live_app.base + "/operations")
    wait_idle(page)
    field = page.locator("[data-testid=stDateInput]").nth(2)  # 结束日期（可不填）: empty
    assert field.locator("[data-type=year]").evaluate("e => getComputedStyle(e, '::after').content") == '"年"'
    field.locator("[data-type=year]").click()
    page.wait_for_timeout(300)
    page.keyboard.type(typed, delay=60)
    page.keyboard.press("Tab")
    wait_idle(page)
    assert field.locator("input[type=date]").get_attribute("value") == "2026-11-30"
