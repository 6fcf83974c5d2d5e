"""Login: who is using this browser session, decided before the menu is built.

How a script run finds its user, in order:
1. **This session** already signed in: re-read the account from the database on every run,
   so a deactivation, a password reset or a logout elsewhere ends the session at the next
   click, and a role change applies at once.
2. **The login cookie**, read from the request (``st.context.cookies``) on the very first
   run after a reload, so the user stays signed in and on the page in the URL. The cookie
   is streamlit-authenticator's signed JWT (``username``, ``exp_date``); it is checked here
   with PyJWT and the same key, its expiry, and against the database (account active, not
   issued before the user's last logout: ``users.logged_out_at``).
   streamlit-authenticator's own cookie reader would also accept it, but it leaves the
   database out; its ``CookieManager`` component only answers after a browser round trip.
3. Otherwise **the login form**. Passwords are checked against the database
   (:func:`data_access.commands.users.check_login`: bcrypt, lock after repeated failures,
   deactivated accounts refused) rather than by the library's form, which keeps its failure
   count in memory and knows nothing of deactivation. On success the cookie is written with
   the library (``Authenticate.cookie_controller.set_cookie``), in the same run, so that its
   component reaches the browser.

Logout records ``logged_out_at`` (every cookie issued before it is refused from then on),
deletes the cookie through the library and shows the login form.

Secrets: ``JM_COOKIE_KEY`` (the cookie signing key) and ``JM_ADMIN_PASSWORD`` (first admin),
from the environment or ``.streamlit/secrets.toml``. With neither set the app runs in demo
mode: a banner on every page, the demo accounts listed on the login page, and a cookie key
made at random on first run and kept beside the database. See docs/login.md.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from data_access import health, schema
from data_access.commands import users
from data_access.commands.base import Actor, CommandError, Message
from data_access.config import demo_cookie_key
from data_access.db import database_url, dry_session, get_engine, read_session, write_session
from data_access.queries.admin import demo_accounts
from rules.lifecycle import ROLE_LABELS
from ui.components import inert
from ui.i18n import LANGUAGES, lang, pick, say, t

log = logging.getLogger(__name__)

COOKIE_EXPIRY_DAYS = 7.0
COOKIE_NAME = "jm_login"
DEMO_COOKIE_NAME = "jm_login_demo"
MIN_KEY_LENGTH = 32

_SIGNED_IN = "signed_in"  # SignedIn of this session
_SINCE = "signed_in_since"  # when the session's sign-in happened (or its cookie was issued)
_LOGOUT_REQUESTED = "_logout_requested"
_LOGGED_OUT = "_logged_out"
_NOTICE = "_login_notice"
_LANG_CHOSEN = "_lang_chosen"
_LOGIN_ERROR = "_login_error"


@dataclass(frozen=True)
class AuthConfig:
    demo: bool
    cookie_key: str
    cookie_name: str
    admin_password: str | None = None
    problem: str | None = None  # a configuration mistake to show instead of the app
    expiry_days: float = COOKIE_EXPIRY_DAYS


def _secret(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    try:
        if st.secrets.load_if_toml_exists():
            found = st.secrets.get(name)
            return str(found).strip() or None if found is not None else None
    except Exception:  # noqa: BLE001 - an unreadable secrets file counts as none
        return None
    return None


def config() -> AuthConfig:
    """Demo mode, or the secrets, from the environment or ``.streamlit/secrets.toml``."""
    key, admin_password = _secret("JM_COOKIE_KEY"), _secret("JM_ADMIN_PASSWORD")
    if not key and not admin_password:
        # Random per installation, kept beside the database (data_access.config).
        return AuthConfig(True, demo_cookie_key(database_url()), DEMO_COOKIE_NAME)
    problem = None
    if not key:
        problem = (
            "已设置 JM_ADMIN_PASSWORD，但缺少 Cookie 签名密钥 JM_COOKIE_KEY。"
            " / JM_ADMIN_PASSWORD is set but the cookie signing key JM_COOKIE_KEY is missing."
        )
    elif len(key) < MIN_KEY_LENGTH:
        problem = (
            f"JM_COOKIE_KEY 太短，至少需要 {MIN_KEY_LENGTH} 个字符。"
            f" / JM_COOKIE_KEY is too short: at least {MIN_KEY_LENGTH} characters."
        )
    return AuthConfig(False, key or "", COOKIE_NAME, admin_password, problem)


def demo_banner(cfg: AuthConfig) -> None:
    """The demo-mode label (app.py draws it above every page): one short line, 演示模式 in
    the Chinese interface and "demo mode" in the English one (CONTRACT.md), so that the page
    itself starts near the top of a 1280×720 screen; how to leave demo mode is its tooltip."""
    if cfg.demo:
        tip = html.escape(t("正式使用请配置密钥（见 docs/login.md）。"), quote=True)
        st.markdown(  # styled by ui.screen (.jm-demo); the projector hides it for its corner mark
            f'<span class="jm-demo" title="{tip}">'
            f"<b>{t('演示模式')}</b> · {t('示例数据，示例账户密码均为 demo123，请勿录入真实案件')}</span>",
            unsafe_allow_html=True,
        )


# ----------------------------------------------------------------------------- the gate
def leave_pages_folder_mode() -> None:
    """Make the first run of a freshly started server behave like every later one.

    Because the project has a ``pages/`` folder, Streamlit runs the very first script run
    of a new server process in its old "pages folder" mode (it only learns that the app
    uses ``st.navigation`` once the app calls it): it lists the files of ``pages/`` in the
    sidebar, may run a file of ``pages/`` without going through app.py, and answers a
    bookmarked URL such as ``/admin-users`` with "page not found". Switching the mode off and
    starting the run again at once (here, and from ``ui.session.actor()`` for a page file
    run directly) keeps the login gate in front of every page and the file list hidden.
    What this cannot undo: for a deep URL, Streamlit has already sent that first browser
    its "page not found" notice, so it shows the notice and the home page. Every later
    session and every reload keeps its URL (docs/login.md, "Known limits").

    Streamlit offers no supported switch for this (checked in 1.67: ``st.navigation`` turns
    the mode off only once it runs, ``client.showSidebarNavigation`` only hides the list),
    and the design card keeps ``pages/`` beside app.py, so this reaches into Streamlit's
    internals; tests/test_streamlit_pages_mode.py fails the day an upgrade changes them.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Once per session: AppTest resets the mode before each of its runs, and a rerun on
        # every run would swallow every click.
        if not st.session_state.get("_left_pages_folder_mode"):
            st.session_state["_left_pages_folder_mode"] = True
            st.rerun()


def login_gate(cfg: AuthConfig) -> Actor:
    """The signed-in user; draws the login form and stops the run when there is none."""
    if cfg.problem:
        st.error(cfg.problem, icon=":material/key_off:")
        st.stop()
    url = database_url()
    authenticator = _authenticator(cfg)
    try:
        _check_schema(url)
        _read_only_banner()
        if not cfg.demo and cfg.admin_password:
            _write_or_skip("the first office account", lambda: _bootstrap_admin(
                url, hashlib.sha256(cfg.admin_password.encode()).hexdigest(), cfg.admin_password))
        if st.session_state.pop(_LOGOUT_REQUESTED, False):
            _logout(authenticator)
        user = _session_user()
        if user is None and not st.session_state.get(_LOGGED_OUT):
            user = _cookie_user(cfg)
        if user is None and st.session_state.get("login_submit"):
            user = _submit_login(cfg, authenticator)
    except SQLAlchemyError as exc:
        # Say what is wrong (read-only file, server down, schema missing or old) and what to do.
        log.warning("database problem: %s", exc)
        st.error(pick(health.diagnose(exc, url).pair), icon=":material/database:")
        st.stop()
    if user is None:
        _login_navigation(cfg)
        st.stop()
    return user.actor


_CURRENT_SCHEMA: set[str] = set()  # URLs found at the newest migration (checked once per process)
_READ_ONLY_CHECKED: dict[str, tuple[float, bool]] = {}
_READ_ONLY_RECHECK_SECONDS = 10.0


def _check_schema(url: str) -> None:
    """Stop with "run init-db" when the database is not at this code's newest migration."""
    if url in _CURRENT_SCHEMA:
        return
    current, head = schema.current_revision(get_engine()), schema.head_revision()
    if current != head:
        st.error(pick(health.schema_problem(url, current, head).pair), icon=":material/database:")
        st.stop()
    _CURRENT_SCHEMA.add(url)


def _read_only_banner() -> None:
    """A banner on every page while the database refuses writes: reading goes on, saving is off."""
    engine = get_engine()
    key = engine.url.render_as_string(hide_password=True)
    checked_at, found = _READ_ONLY_CHECKED.get(key, (0.0, False))
    if time.monotonic() - checked_at > _READ_ONLY_RECHECK_SECONDS:  # a probe per 10 s, not per click
        found = health.read_only(engine)
        _READ_ONLY_CHECKED[key] = (time.monotonic(), found)
    if found or health.refused_writes(engine):
        st.warning(
            t("数据库为只读：可以查看，保存功能已关闭。") + " " + pick(health.read_only_problem(database_url()).pair),
            icon=":material/lock:",
        )


def _write_or_skip(what: str, work) -> bool:
    """Run a write the app can go on without (the record of a session event, a preference);
    on a read-only database, log it and go on. Any other database error is raised."""
    try:
        work()
        return True
    except SQLAlchemyError as exc:
        if health.diagnose(exc, database_url()).kind != "read_only":
            raise
        health.note_read_only(get_engine())
        log.warning("database is read-only: %s not saved", what)
        return False


def _login_navigation(cfg: AuthConfig) -> None:
    """The login form, under every page URL of the app.

    Every script run must build ``st.navigation``: without it Streamlit falls back to listing
    the files of ``pages/`` in the sidebar. So the login form is served as a page at each
    URL of the menu (hidden, all titled "登录"): the browser keeps the address it asked for,
    and once the user signs in, the same URL resolves to the real page (a page is found by
    the hash of its URL path). A URL the user's role has no page for then falls back to
    their home page.
    """
    from ui.menu import PAGES

    show = lambda: _login_page(cfg)  # noqa: E731 - one callable shared by every URL
    pages = [st.Page(show, title=t("登录"), icon=":material/login:", url_path="login", default=True)]
    seen = {"login"}
    for spec in PAGES:
        if spec.url_path not in seen:
            seen.add(spec.url_path)
            pages.append(st.Page(show, title=t("登录"), icon=":material/login:", url_path=spec.url_path))
    st.navigation(pages, position="hidden").run()


@st.cache_resource(show_spinner=False)
def _bootstrap_admin(url: str, password_digest: str, _password: str) -> str | None:
    # Once per process, database and password (the arguments are the cache key; the
    # password itself is not hashed into it).
    with write_session() as session:
        return users.bootstrap_admin(session, _password)


def _authenticator(cfg: AuthConfig):
    """streamlit-authenticator's object, for writing and deleting the cookie. Built every run:
    its cookie component must be drawn in every run for a set or delete to reach the browser."""
    import streamlit_authenticator as stauth

    # Its login form is not used (see the module docstring), so it needs no credentials.
    return stauth.Authenticate(
        {"usernames": {}}, cfg.cookie_name, cfg.cookie_key, cfg.expiry_days, auto_hash=False
    )


def _remember(user: users.SignedIn, since: datetime) -> None:
    st.session_state["actor"] = user.actor
    st.session_state[_SIGNED_IN] = user
    st.session_state[_SINCE] = since
    # streamlit-authenticator's own session keys, which its cookie writer and logout read.
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.actor.username
    st.session_state["name"] = user.display_name
    st.session_state["logout"] = None


def _forget() -> None:
    for key in ("actor", _SIGNED_IN, _SINCE):
        st.session_state.pop(key, None)
    for key in ("authentication_status", "username", "name"):
        st.session_state[key] = None


def _session_user() -> users.SignedIn | None:
    current = st.session_state.get(_SIGNED_IN)
    if current is None:
        return None
    with read_session() as session:
        fresh = users.signed_in_user(session, user_id=current.actor.user_id, since=st.session_state[_SINCE])
    if fresh is None:
        _forget()
        st.session_state[_LOGGED_OUT] = True
        st.session_state[_NOTICE] = Message(
            "您已退出登录（账户已停用、密码已重置或在其他地方退出）。请重新登录。",
            "You were signed out (account deactivated, password reset, or signed out elsewhere)."
            " Please sign in again.",
        )
        return None
    if fresh != current:
        _remember(fresh, st.session_state[_SINCE])
    return fresh


def token_user(token: str | None, key: str, expiry_days: float, *, now: float | None = None):
    """``(username, issued_at)`` from a valid, unexpired login cookie, else None.

    The cookie is streamlit-authenticator's JWT: ``{"username", "exp_date"}`` signed HS256,
    ``exp_date`` being the issue time plus the cookie's lifetime.
    """
    if not token:
        return None
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    username, expires = payload.get("username"), payload.get("exp_date")
    if not isinstance(username, str) or not username or isinstance(expires, bool):
        return None
    if not isinstance(expires, (int, float)) or expires <= (time.time() if now is None else now):
        return None
    issued = datetime.fromtimestamp(expires) - timedelta(days=expiry_days)
    return username, issued


def _cookie_user(cfg: AuthConfig) -> users.SignedIn | None:
    found = token_user(st.context.cookies.get(cfg.cookie_name), cfg.cookie_key, cfg.expiry_days)
    if found is None:
        return None
    username, issued = found
    with read_session() as session:
        user = users.signed_in_user(session, username=username, since=issued)
    if user is not None:
        _remember(user, issued)
        if not st.session_state.get(_LANG_CHOSEN):
            st.session_state["lang"] = user.language
    return user


def _login_page(cfg: AuthConfig) -> None:
    language_selector(key_prefix="login")
    st.title(t("联席会议工作平台"))
    st.caption(t("乡镇综合行政执法 · 部门协同联席会议"))
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(say(notice), icon=":material/logout:")
    left, right = st.columns([1, 1.4], gap="large")
    with left:
        with st.form("login_form"):
            st.subheader(t("登录"))
            st.text_input(t("用户名"), key="login_username", autocomplete="username")
            st.text_input(t("密码"), type="password", key="login_password", autocomplete="current-password")
            st.form_submit_button(t("登录"), type="primary", icon=":material/login:", key="login_submit")
        error = st.session_state.pop(_LOGIN_ERROR, None)
        if error:
            st.error(say(error), icon=":material/error:")
    if cfg.demo:
        with right:
            _demo_account_list()


def _submit_login(cfg: AuthConfig, authenticator) -> users.SignedIn | None:
    """Check the login form's input (read from the session before any page is drawn, so a
    successful login goes straight on to the page in the URL, in this same run)."""
    username, password = st.session_state.get("login_username", ""), st.session_state.get("login_password", "")
    for attempt in (1, 2):
        try:
            with write_session() as session:
                outcome = users.check_login(session, username, password, demo_mode=cfg.demo)
            break
        except StaleDataError:
            # Two sign-ins of one account at the same moment: the other one's count won.
            if attempt == 2:
                raise
        except SQLAlchemyError as exc:
            if health.diagnose(exc, database_url()).kind != "read_only":
                raise
            # A read-only database: the same checks, nothing written (no audit row, no
            # failure count), so that people can still sign in and read.
            health.note_read_only(get_engine())
            with dry_session() as session:
                outcome = users.check_login(session, username, password, demo_mode=cfg.demo)
            log.warning("database is read-only: the sign-in attempt of %r is not recorded", username)
            break
    if outcome.user is None:
        st.session_state[_LOGIN_ERROR] = outcome.message
        st.session_state["login_password"] = ""  # the form is drawn later in this run
        return None
    user = outcome.user
    st.session_state.pop(_LOGGED_OUT, None)
    _remember(user, datetime.now())
    authenticator.cookie_controller.set_cookie()
    if st.session_state.get(_LANG_CHOSEN) and lang() != user.language:
        _save_language(lang())
    else:
        st.session_state["lang"] = user.language
    return user


def _demo_account_list() -> None:
    with read_session() as session:
        accounts = demo_accounts(session)
    with st.expander(t("演示账户（密码均为 demo123）"), expanded=True, icon=":material/group:"):
        if not accounts:
            st.info(t("数据库中还没有账户：请运行 python -m data_access seed 载入示例数据。"))
            return
        st.dataframe(
            [
                {
                    t("用户名"): a.username,
                    t("角色"): pick(ROLE_LABELS.get(a.role, (a.role, a.role))),
                    t("所属单位"): a.agency_name or "",
                }
                for a in accounts
            ],
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(accounts), 330),
        )


def _logout(authenticator) -> None:
    current = st.session_state.get(_SIGNED_IN)
    if current is not None:
        # On a read-only database the cookie is still deleted; only the record is skipped.
        _write_or_skip("the sign-out", lambda: users.record_logout(current.actor))
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    else:
        authenticator.cookie_controller.delete_cookie()
    _forget()
    st.session_state[_LOGGED_OUT] = True



def _request_logout() -> None:
    st.session_state[_LOGOUT_REQUESTED] = True


# ----------------------------------------------------------------------------- sidebar
def sidebar(actor: Actor) -> None:
    """The language choice and the signed-in user with the logout button."""
    language_selector(key_prefix="app")
    user = st.session_state.get(_SIGNED_IN)
    with st.sidebar:
        with st.container(border=True):
            name = user.display_name if user else actor.username
            st.markdown(f"**{inert(name)}** · `{actor.username}`")
            role = pick(ROLE_LABELS.get(actor.role, (actor.role, actor.role)))
            agency = user.agency_name if user else None
            st.caption(f"{role}{' · ' + inert(agency) if agency else ''}")
            _password_popover()
            st.button(
                t("退出登录"), key="logout_button", on_click=_request_logout, icon=":material/logout:",
                width="stretch",
            )


def _password_popover() -> None:
    with st.popover(t("修改密码"), icon=":material/key:", width="stretch"):
        with st.form("own_password", clear_on_submit=True):
            old = st.text_input(t("原密码"), type="password", key="own_pw_old")
            new = st.text_input(t("新密码"), type="password", key="own_pw_new")
            again = st.text_input(t("再次输入新密码"), type="password", key="own_pw_again")
            done = st.form_submit_button(t("保存"))
        if done:
            if new != again:
                st.error(t("两次输入的新密码不一致。"))
                return
            try:
                users.change_own_password(st.session_state["actor"], old, new)
            except CommandError as exc:
                st.error(say(exc))
                return
            # The new password signed every session out; this one goes on, but its cookie
            # (issued before the change) no longer works: a reload asks for the new password.
            st.session_state[_SINCE] = datetime.now()
            st.success(t("密码已修改。其他设备上的登录已失效，刷新页面后请用新密码登录。"))


def language_selector(*, key_prefix: str) -> None:
    """简体中文 (default) or English, remembered in the session and in the user's account."""
    current = lang()
    codes = list(LANGUAGES)
    # The key follows the language, so a language set elsewhere (at sign-in) shows at once.
    choice = st.sidebar.selectbox(
        "语言 / Language", codes, index=codes.index(current), format_func=LANGUAGES.get,
        key=f"{key_prefix}_lang_{current}",
    )
    if choice != current:
        st.session_state["lang"] = choice
        st.session_state[_LANG_CHOSEN] = True
        if st.session_state.get(_SIGNED_IN) is not None:
            _save_language(choice)
        st.rerun()


def _save_language(code: str) -> None:
    current = st.session_state.get("actor")
    if current is None:
        return
    _write_or_skip("the language preference", lambda: users.set_language(current, code))
    signed = st.session_state.get(_SIGNED_IN)
    if signed is not None:
        st.session_state[_SIGNED_IN] = users.SignedIn(signed.actor, signed.display_name, signed.agency_name, code)
