"""User accounts: creating them, signing in and out, and the office's administration of them.

The commands an actor runs (the office's administration, a user's own password, language and
logout) have the shape of all commands: the actor, plain values, ``expected_version`` for a
record they change and an optional unit of work ``uow``. The sign-in steps, which run before
there is an actor (:func:`check_login`, :func:`authenticate`, :func:`signed_in_user`,
:func:`bootstrap_admin`), take the caller's ``Session`` and write in its transaction.

Signing in (:func:`check_login`, :func:`authenticate`):
- Passwords are bcrypt hashes (:mod:`data_access.passwords`).
- :data:`MAX_FAILED_LOGINS` wrong passwords in a row lock the account for
  :data:`LOCK_MINUTES` minutes; a locked account is refused even with the right password
  until the lock runs out (or the office resets the password or reactivates the account).
- A deactivated account cannot sign in, and :func:`signed_in_user` refuses its live cookies.
- Outside demo mode the sample accounts' password (:data:`DEMO_PASSWORD`) is refused, so a
  database that was once seeded for a demonstration cannot be entered with it.
- ``users.logged_out_at`` is set at logout, password reset and deactivation: a login cookie
  issued before it is refused, so logging out holds even if the browser kept the cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.commands.base import (
    SYSTEM,
    Actor,
    CommandError,
    Message,
    NotFound,
    ValidationFailed,
    audit,
    authorize,
    check_version,
    snapshot,
)
from data_access.models import Agency, User
from data_access.passwords import hash_password, verify_password
from data_access.validation import Checks, unit_of_work
from rules.lifecycle import ROLES

#: Wrong passwords in a row before the account is locked.
MAX_FAILED_LOGINS = 5
#: How long a lock lasts.
LOCK_MINUTES = 15
#: The sample accounts' password (the seeder's ``sample_data.seed.DEMO_PASSWORD``).
DEMO_PASSWORD = "demo123"
#: Roles that act for one member agency and so must name it.
AGENCY_ROLES = frozenset({"head", "clerk"})
LANGUAGES = ("zh", "en")


# ----------------------------------------------------------------------------- signing in
@dataclass(frozen=True)
class SignedIn:
    """A signed-in user as the app keeps it: the ``Actor`` plus what the sidebar shows."""

    actor: Actor
    display_name: str
    agency_name: str | None
    language: str


@dataclass(frozen=True)
class LoginOutcome:
    """The answer to a login attempt: ``user`` when let in, else a message in plain words."""

    user: SignedIn | None
    reason: str  # ok / empty / unknown / wrong_password / locked / inactive / demo_password
    message: Message = Message("")
    locked_until: datetime | None = None

    @property
    def actor(self) -> Actor | None:
        return self.user.actor if self.user else None


# The same words whether the username or the password was wrong: the answer must not tell
# which accounts exist.
_WRONG = Message(
    f"用户名或密码不正确（连续输错 {MAX_FAILED_LOGINS} 次，账户将锁定 {LOCK_MINUTES} 分钟）。",
    f"The username or password is wrong ({MAX_FAILED_LOGINS} failed attempts in a row lock"
    f" the account for {LOCK_MINUTES} minutes).",
)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked against when the username is unknown, so that a wrong username takes as long
    # as a wrong password and the answer time does not reveal which accounts exist.
    return hash_password("no-such-user-placeholder")


def _signed_in(user: User) -> SignedIn:
    return SignedIn(
        actor=Actor(username=user.username, role=user.role, agency_id=user.agency_id, user_id=user.id),
        display_name=user.display_name,
        agency_name=user.agency.name if user.agency else None,
        language=user.language if user.language in LANGUAGES else "zh",
    )


def _self_actor(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, agency_id=user.agency_id, user_id=user.id)


def _locked_message(until: datetime) -> Message:
    return Message(
        f"登录失败次数过多，账户已锁定至 {until:%H:%M}，请稍后再试或请联席会议办公室重置密码。",
        f"Too many failed attempts: the account is locked until {until:%H:%M}."
        " Try again later or ask the joint meeting office to reset the password.",
    )


def check_login(
    session: Session, username: str, password: str, *, demo_mode: bool = True, now: datetime | None = None,
) -> LoginOutcome:
    """Check a username and password; record a failure (and lock) or the successful login.

    Never raises for a refusal, so the caller's transaction commits the failure count.
    """
    now = now or datetime.now()
    username = (username or "").strip()
    if not username or not password:
        return LoginOutcome(None, "empty", Message("请输入用户名和密码。", "Enter your username and password."))
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        verify_password(password, _dummy_hash())
        return LoginOutcome(None, "unknown", _WRONG)
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome(None, "locked", _locked_message(user.locked_until), user.locked_until)
    if not verify_password(password, user.password_hash):
        return _record_failed_login(session, user, now)
    if not user.active:
        return LoginOutcome(
            None,
            "inactive",
            Message("此账户已停用，请联系联席会议办公室。",
                    "This account is deactivated; contact the joint meeting office."),
        )
    if not demo_mode and password == DEMO_PASSWORD:
        return LoginOutcome(
            None,
            "demo_password",
            Message("此账户仍使用演示密码，正式运行时不能登录，请联席会议办公室重置密码。",
                    "This account still has the demo password, which is refused outside demo mode;"
                    " ask the joint meeting office to reset it."),
        )
    before = snapshot(user)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit(session, _self_actor(user), "user.login", "users", user.id, before, snapshot(user))
    return LoginOutcome(_signed_in(user), "ok")


def authenticate(session: Session, username: str, password: str, **kwargs) -> Actor | None:
    """The ``Actor`` for a correct login, else None (see :func:`check_login` for why)."""
    return check_login(session, username, password, **kwargs).actor


def _record_failed_login(session: Session, user: User, now: datetime) -> LoginOutcome:
    """Count a wrong password; the :data:`MAX_FAILED_LOGINS`-th in a row locks the account."""
    before = snapshot(user)
    failures = (user.failed_logins or 0) + 1
    if failures >= MAX_FAILED_LOGINS:
        user.failed_logins = 0
        user.locked_until = now.replace(microsecond=0) + timedelta(minutes=LOCK_MINUTES)
        action, outcome = "user.locked", LoginOutcome(
            None, "locked", _locked_message(user.locked_until), user.locked_until
        )
    else:
        user.failed_logins = failures
        action, outcome = "user.login_failed", LoginOutcome(None, "wrong_password", _WRONG)
    session.flush()
    audit(session, _self_actor(user), action, "users", user.id, before, snapshot(user))
    return outcome


def signed_in_user(
    session: Session, *, since: datetime, username: str | None = None, user_id: int | None = None
) -> SignedIn | None:
    """The user behind a login cookie or a browser session that began at ``since``.

    None when the account is unknown or deactivated, or when the user logged out (or was
    signed out by a password reset) after ``since``. Read-only.
    """
    stmt = select(User)
    if user_id is not None:
        stmt = stmt.where(User.id == user_id)
    elif username:
        stmt = stmt.where(User.username == username)
    else:
        return None
    user = session.scalars(stmt).one_or_none()
    if user is None or not user.active:
        return None
    if user.logged_out_at is not None and since < user.logged_out_at:
        return None
    return _signed_in(user)


def record_logout(actor: Actor, *, now: datetime | None = None, uow: Session | None = None) -> None:
    """Sign the user out everywhere: every cookie issued until now stops working."""
    with unit_of_work(uow=uow) as session:
        user = session.get(User, actor.user_id) if actor.user_id else None
        if user is None:
            return
        before = snapshot(user)
        user.logged_out_at = now or datetime.now()
        session.flush()
        audit(session, actor, "user.logout", "users", user.id, before, snapshot(user))


def set_language(actor: Actor, language: str, *, uow: Session | None = None) -> None:
    """Remember the user's display language. A personal preference, so every role may."""
    with unit_of_work(uow=uow) as session:
        if language not in LANGUAGES:
            raise ValidationFailed({"language": ("未知的语言。", "Unknown language.")})
        user = session.get(User, actor.user_id) if actor.user_id else None
        if user is None or user.language == language:
            return
        before = snapshot(user)
        user.language = language
        session.flush()
        audit(session, actor, "user.language", "users", user.id, before, snapshot(user))


def change_own_password(
    actor: Actor, old_password: str, new_password: str, *, now: datetime | None = None,
    uow: Session | None = None,
) -> None:
    """A signed-in user changes their own password (the old one is asked for again)."""
    with unit_of_work(uow=uow) as session:
        user = session.get(User, actor.user_id) if actor.user_id else None
        if user is None or not user.active:
            raise NotFound(("找不到您的账户。", "Your account was not found."))
        c = Checks(date.today())
        if not verify_password(old_password or "", user.password_hash):
            c.add("old_password", "原密码不正确。", "The current password is wrong.")
        new_hash = _new_hash(new_password, c)
        c.done()
        _set_password(session, actor, user, new_hash, "user.change_password", now)


# ----------------------------------------------------------------------------- administration
def _load(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound(("找不到该用户。", "No such user."))
    return user


def _user_to_change(session: Session, actor: Actor, user_id: int, expected_version: int | None) -> User:
    """The user the office is about to change: refused unless the actor administers users,
    the user exists and ``expected_version`` (if given) is still current."""
    authorize(actor, "admin.users")
    user = _load(session, user_id)
    check_version(session, user, expected_version, (f"用户 {user.username}", f"User {user.username}"))
    return user


def _new_hash(password: str, c: Checks, field: str = "password") -> str | None:
    if password == DEMO_PASSWORD:
        c.add(field, "不能使用演示密码。", "The demo password cannot be used.")
        return None
    try:
        return hash_password(password or "")
    except ValueError as exc:
        c.refusal(field, exc)
        return None


def _set_password(session, actor, user: User, new_hash: str, action: str, now) -> None:
    before = snapshot(user)
    user.password_hash = new_hash
    user.failed_logins = 0
    user.locked_until = None
    # Sessions and cookies opened with the old password end here.
    user.logged_out_at = now or datetime.now()
    session.flush()
    after = snapshot(user)
    before["password"], after["password"] = "（原密码）", "（已更换）"
    audit(session, actor, action, "users", user.id, before, after)


def _active_offices(session: Session, excluding: int) -> int:
    return session.execute(
        select(func.count()).select_from(User).where(
            User.role == "office", User.active.is_(True), User.id != excluding
        )
    ).scalar_one()


def _check_role_and_agency(session: Session, role: str, agency_id: int | None, c: Checks) -> None:
    if role not in ROLES:
        c.add("role", "请选择角色。", "Choose a role.")
        return
    if agency_id is None:
        if role in AGENCY_ROLES:
            c.add("agency_id", "成员单位负责人和联络员必须指定所属单位。", "An agency head or clerk must belong to an agency.")
        return
    agency = session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        c.add("agency_id", "找不到该单位。", "No such agency.")
    elif not agency.active:
        c.add("agency_id", f"“{agency.name}”已停用，不能选择。", f"“{agency.name}” is deactivated.")


#: Chinese names accepted for a role besides its code (the command line takes either).
ROLE_NAMES: dict[str, str] = {zh: code for code, zh in ROLES.items()} | {
    "办公室": "office",
    "组长": "chair",
    "负责人": "head",
    "观察员": "observer",
}


def role_code(role: str | None) -> str | None:
    """The role code for a code or a Chinese role name, or None when it is no role."""
    text = (role or "").strip()
    if text.lower() in ROLES:
        return text.lower()
    return ROLE_NAMES.get(text)


@dataclass(frozen=True)
class CreatedUser:
    id: int
    username: str
    role: str
    agency_id: int | None
    version: int


def _agency_by_name(session: Session, name: str) -> Agency | None:
    """An agency by its full name, else by its short name when only one agency has it."""
    agency = session.scalars(select(Agency).where(Agency.name == name)).one_or_none()
    if agency is None:
        matches = session.scalars(select(Agency).where(Agency.short_name == name)).all()
        agency = matches[0] if len(matches) == 1 else None
    return agency


def create_user(
    actor: Actor, username: str, role: str, agency_name: str | None, password: str,
    display_name: str | None = None, *, uow: Session | None = None,
) -> CreatedUser:
    """Create an account (the office; also the command line's ``create-user``).

    ``role`` is a code (office / chair / head / clerk / observer) or its Chinese name;
    heads and clerks must name their agency (by name or unambiguous short name), which must
    exist and be active. Usernames are unique regardless of letter case.
    """
    with unit_of_work(uow=uow) as session:
        authorize(actor, "admin.users")
        c = Checks(date.today())
        username = (username or "").strip()
        if not username:
            c.add("username", "请填写用户名。", "Enter a username.")
        elif len(username) > 50:
            c.add("username", "用户名最多50个字符。", "A username is at most 50 characters.")
        elif any(ch.isspace() for ch in username):
            c.add("username", "用户名不能包含空格。", "A username cannot contain spaces.")
        elif session.execute(
            select(User.id).where(func.lower(User.username) == username.lower())
        ).first() is not None:
            c.add("username", f"用户名“{username}”已存在。", f"The username {username!r} is taken.")

        code = role_code(role)
        if code is None:
            choices = "、".join(f"{c}（{zh}）" for c, zh in ROLES.items())
            c.add("role", f"未知角色“{role}”，可选：{choices}。", f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")

        agency_id = None
        agency_name = (agency_name or "").strip()
        if agency_name:
            agency = _agency_by_name(session, agency_name)
            if agency is None:
                c.add("agency_id", f"找不到成员单位“{agency_name}”。", f"No member agency is called {agency_name!r}.")
            else:
                agency_id = agency.id
        if code is not None and c.ok("agency_id"):
            _check_role_and_agency(session, code, agency_id, c)

        display_name = (display_name or "").strip() or username
        if len(display_name) > 100:
            c.add("display_name", "姓名最多100字。", "The name is at most 100 characters.")
        new_hash = _new_hash(password, c)
        c.done()

        user = User(
            username=username,
            display_name=display_name,
            password_hash=new_hash,
            role=code,
            agency_id=agency_id,
            active=True,
            failed_logins=0,
            language="zh",
        )
        session.add(user)
        session.flush()
        audit(session, actor, "user.create", "users", user.id, None, snapshot(user))
        return CreatedUser(user.id, user.username, user.role, user.agency_id, user.version)


def reset_password(
    actor: Actor, user_id: int, new_password: str, *, expected_version: int | None,
    now: datetime | None = None, uow: Session | None = None,
) -> None:
    """The office sets a new password; this also lifts a lock and signs the user out."""
    with unit_of_work(uow=uow) as session:
        user = _user_to_change(session, actor, user_id, expected_version)
        c = Checks(date.today())
        new_hash = _new_hash(new_password, c)
        c.done()
        _set_password(session, actor, user, new_hash, "user.reset_password", now)


def change_role(
    actor: Actor, user_id: int, *, role: str, agency_id: int | None, display_name: str | None = None,
    expected_version: int | None, uow: Session | None = None,
) -> None:
    """Change a user's role and agency (and name): effective at the user's next click."""
    with unit_of_work(uow=uow) as session:
        user = _user_to_change(session, actor, user_id, expected_version)
        c = Checks(date.today())
        _check_role_and_agency(session, role, agency_id, c)
        if display_name is not None:
            display_name = display_name.strip()
            if not display_name:
                c.add("display_name", "请填写姓名。", "Enter the name.")
            elif len(display_name) > 100:
                c.add("display_name", "姓名最多100字。", "The name is at most 100 characters.")
        if user.role == "office" and role != "office" and user.active and _active_offices(session, user.id) == 0:
            c.add("role", "这是最后一个启用的办公室账户，不能改为其他角色。",
                  "This is the last active office account; its role cannot change.")
        c.done()
        before = snapshot(user)
        user.role = role
        user.agency_id = agency_id
        if display_name is not None:
            user.display_name = display_name
        session.flush()
        audit(session, actor, "user.change_role", "users", user.id, before, snapshot(user))


def deactivate_user(
    actor: Actor, user_id: int, *, expected_version: int | None, now: datetime | None = None,
    uow: Session | None = None,
) -> None:
    """Deactivate an account (never deleted: the audit trail names it). Signs it out."""
    with unit_of_work(uow=uow) as session:
        user = _user_to_change(session, actor, user_id, expected_version)
        if actor.user_id is not None and user.id == actor.user_id:
            raise CommandError(("不能停用自己的账户。", "You cannot deactivate your own account."), "active")
        if not user.active:
            return
        if user.role == "office" and _active_offices(session, user.id) == 0:
            raise CommandError(
                ("这是最后一个启用的办公室账户，不能停用。", "This is the last active office account; it cannot be deactivated."),
                "active",
            )
        before = snapshot(user)
        user.active = False
        user.logged_out_at = now or datetime.now()
        session.flush()
        audit(session, actor, "user.deactivate", "users", user.id, before, snapshot(user))


def reactivate_user(
    actor: Actor, user_id: int, *, expected_version: int | None, uow: Session | None = None,
) -> None:
    """Let a deactivated account sign in again (its lock, if any, is lifted)."""
    with unit_of_work(uow=uow) as session:
        user = _user_to_change(session, actor, user_id, expected_version)
        if user.active and user.locked_until is None:
            return
        if user.agency_id is not None:
            c = Checks(date.today())
            _check_role_and_agency(session, user.role, user.agency_id, c)
            c.done()
        before = snapshot(user)
        user.active = True
        user.failed_logins = 0
        user.locked_until = None
        session.flush()
        audit(session, actor, "user.reactivate", "users", user.id, before, snapshot(user))


def bootstrap_admin(session: Session, password: str, *, now: datetime | None = None) -> str | None:
    """Make sure a production database can be entered: called at start-up outside demo mode
    with ``JM_ADMIN_PASSWORD``.

    - No active office account: create (or reactivate) the ``admin`` office account with
      this password.
    - ``admin`` still has the demo password: replace it with this one.
    - Otherwise nothing: the office may change the admin password later and a restart does
      not undo it.

    Returns what was done ("created", "reset") or None.
    """
    c = Checks(date.today())
    new_hash = _new_hash(password, c)
    if c.errors:
        raise ValidationFailed({"JM_ADMIN_PASSWORD": next(iter(c.errors.values()))})
    admin = session.scalars(select(User).where(User.username == "admin")).one_or_none()
    if admin is None and _active_offices(session, excluding=-1) == 0:
        admin = User(
            username="admin",
            display_name="系统管理员",
            password_hash=new_hash,
            role="office",
            active=True,
            failed_logins=0,
            language="zh",
        )
        session.add(admin)
        session.flush()
        audit(session, SYSTEM, "user.bootstrap", "users", admin.id, None, snapshot(admin))
        return "created"
    if admin is None:
        return None
    needs_reset = verify_password(DEMO_PASSWORD, admin.password_hash) or (
        _active_offices(session, excluding=-1) == 0
    )
    if not needs_reset:
        return None
    before = snapshot(admin)
    admin.password_hash = new_hash
    admin.role = "office"
    admin.active = True
    admin.failed_logins = 0
    admin.locked_until = None
    admin.logged_out_at = now or datetime.now()
    session.flush()
    audit(session, SYSTEM, "user.bootstrap", "users", admin.id, before, snapshot(admin))
    return "reset"
