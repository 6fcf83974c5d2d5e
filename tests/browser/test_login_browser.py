"""Login in a real browser (Debian's Chromium), against ``streamlit run app.py``:

- the chair signs in, opens every page of the menu, reloads each and is still signed in and
  on the same page (the login cookie is honoured on the very first run after the reload:
  the login form never shows), then logs out; a reload shows the login form again;
- an agency head lands on their own agency's page and cannot open an administration page
  by its URL;
- a deactivated user's live cookie lets nobody in.
Screenshots (chair's overview, the login page) go to the test's temporary folder.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

pytestmark = pytest.mark.browser

ADMIN_PATHS = ("/admin-users", "/admin-agencies", "/admin-calendar", "/admin-settings", "/audit-log")


def path_of(page) -> str:
    return urlparse(page.url).path


def login_form_count(page) -> int:
    return page.get_by_label("用户名").count()


def heading(page) -> str:
    first = page.locator("h1").first
    return first.inner_text().strip() if first.count() else ""


def menu_paths(page) -> list[str]:
    links = page.locator("[data-testid=stSidebarNav] a")
    return [urlparse(links.nth(i).get_attribute("href")).path for i in range(links.count())]


def reload_without_login_form(page, wait_idle) -> None:
    """Reload and watch the page until it has run: the login form must never appear, not
    even for a moment, because the cookie is read before the first run builds the menu."""
    page.reload(wait_until="commit")
    page.wait_for_selector("[data-testid=stApp]")
    for _ in range(300):  # until the first run has drawn the menu (at most 30 s)
        assert login_form_count(page) == 0, f"the login form flashed after reloading {page.url}"
        if page.locator("[data-testid=stSidebarNav]").count():
            break
        page.wait_for_timeout(100)
    wait_idle(page)
    assert login_form_count(page) == 0


def exceptions(page) -> list[str]:
    found = page.locator("[data-testid=stException]")
    return [found.nth(i).inner_text()[:300] for i in range(found.count())]


def test_chair_stays_signed_in_and_on_the_page_across_reloads(live_app, new_page, login, shot, wait_idle):
    page = new_page()
    page.goto(live_app.base + "/")
    wait_idle(page)
    assert login_form_count(page) == 1
    assert "演示模式 · 示例数据" in page.locator("body").inner_text()  # the demo label (CONTRACT.md)
    shot(page, "login-page.png")

    login(page, "/", "chair")
    assert path_of(page) == "/"
    assert page.context.cookies() and any(c["name"] == "jm_login_demo" for c in page.context.cookies())
    shot(page, "chair-overview.png")
    paths = menu_paths(page)
    assert len(paths) >= 5, paths
    assert "/audit-log" in paths and "/admin-users" not in paths  # the chair reads the trail, no admin

    problems = []
    for path in paths:
        page.goto(live_app.base + path)
        wait_idle(page)
        assert login_form_count(page) == 0, f"asked to sign in again at {path}"
        expected = path_of(page)
        title = heading(page)
        problems += [f"{path}: {e}" for e in exceptions(page)]

        reload_without_login_form(page, wait_idle)
        assert path_of(page) == expected, f"a reload of {expected} went to {path_of(page)}"
        assert heading(page) == title, f"{path}: {heading(page)!r} after the reload, {title!r} before"
        assert "chair" in page.locator("[data-testid=stSidebar]").inner_text()
    assert not problems, "pages failed:\n" + "\n".join(problems)

    page.goto(live_app.base + "/audit-log")
    wait_idle(page)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=30_000)
    wait_idle(page)
    assert not any(c["name"] == "jm_login_demo" for c in page.context.cookies())
    page.reload()
    wait_idle(page)
    assert login_form_count(page) == 1
    assert path_of(page) == "/audit-log"  # the form is served where the user was


def test_head_lands_on_own_agency_and_cannot_open_admin_pages(live_app, new_page, login, shot, wait_idle):
    from data_access import db
    from data_access.models import Agency, User

    engine = db.make_engine(live_app.database_url)
    with db.read_session(engine) as s:
        agency = s.execute(
            select(Agency.name).join(User, User.agency_id == Agency.id).where(User.username == "head01")
        ).scalar_one()
    engine.dispose()

    page = new_page()
    login(page, "/", "head01")
    assert path_of(page) == "/"
    main = page.locator("[data-testid=stMain]").inner_text()
    assert agency in main, f"head01's home page does not name {agency}"
    assert not set(ADMIN_PATHS) & set(menu_paths(page))
    home = heading(page)
    shot(page, "head-home.png")
    _answers_its_own_address(page, live_app, wait_idle, "/my-agency", home)

    for path in ADMIN_PATHS:
        page.goto(live_app.base + path)
        wait_idle(page)
        body = page.locator("[data-testid=stMain]").inner_text()
        assert login_form_count(page) == 0
        for admin_text in ("用户管理", "新建用户", "工作日历", "规则参数", "操作日志"):
            assert admin_text not in body, f"{path} showed {admin_text!r} to an agency head"
        assert heading(page) == home  # Streamlit serves the head's home page instead


def _answers_its_own_address(page, live_app, wait_idle, path: str, home: str) -> None:
    """The home page at its own address (reminders link to it, people bookmark it), not only
    at the root URL: the same page, and no "page not found" notice."""
    page.goto(live_app.base + path)
    wait_idle(page)
    assert path_of(page) == path
    assert heading(page) == home
    assert page.get_by_text("Page not found").count() == 0, f"{path}: Streamlit said 'page not found'"
    assert path in menu_paths(page)  # the menu links to the address, not to the root


def test_the_chairs_home_answers_its_own_address(live_app, new_page, login, wait_idle):
    page = new_page()
    login(page, "/", "chair")
    assert heading(page) == "总览"
    _answers_its_own_address(page, live_app, wait_idle, "/overview", "总览")


def test_a_deactivated_users_cookie_lets_nobody_in(live_app, new_page, login, wait_idle):
    from data_access import db
    from data_access.commands import users
    from data_access.commands.base import SYSTEM
    from data_access.models import User

    page = new_page()
    login(page, "/", "clerk01")
    reload_without_login_form(page, wait_idle)  # the cookie works ...
    engine = db.make_engine(live_app.database_url)
    with db.write_session(engine) as s:
        clerk = s.scalars(select(User).where(User.username == "clerk01")).one()
        users.deactivate_user(SYSTEM, clerk.id, uow=s, expected_version=None)
    try:
        page.reload()
        wait_idle(page)
        assert login_form_count(page) == 1  # ... until the account is deactivated
    finally:
        with db.write_session(engine) as s:
            users.reactivate_user(SYSTEM, s.scalars(select(User).where(User.username == "clerk01")).one().id, uow=s, expected_version=None)
        engine.dispose()
