"""How long a log-in lasts: an idle timeout and an absolute lifetime, checked on the server.

A phone changes network all day (new client address, WeChat's user agent says `NetType/4G`
instead of `NetType/WIFI`), so a session is not tied to either. It ends when the user's
`session_token` changes (log-out anywhere, password change, deactivation), when it has not
been used for SESSION_IDLE_HOURS, or SESSION_MAX_DAYS after the log-in, however busy.
The times are stamped inside the signed session cookie, so the browser cannot extend them.
"""

import time
from datetime import timedelta

from flask.sessions import SessionMixin

#: Seconds since the epoch when the user logged in / last used the session.
LOGIN_AT, SEEN_AT = "_login_at", "_seen_at"
#: Re-stamp "last used" at most this often, so not every request rewrites the cookie.
TOUCH_EVERY = 60


def now() -> int:
    return int(time.time())


def start(session: SessionMixin, at: int) -> None:
    """A log-in: the clocks start now, and the cookie outlives the browser being closed."""
    session.permanent = True
    session[LOGIN_AT] = session[SEEN_AT] = at


def in_force(session: SessionMixin, at: int, *, idle: timedelta, lifetime: timedelta) -> bool:
    """Neither idle too long nor logged in too long ago (no stamps: not a log-in of ours)."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    return at - seen_at <= idle.total_seconds() and at - login_at <= lifetime.total_seconds()


def touch(session: SessionMixin, at: int) -> None:
    """The session was just used: the idle timeout starts again."""
    if at - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = at


def limits(config) -> dict:
    return {"idle": timedelta(hours=config["SESSION_IDLE_HOURS"]),
            "lifetime": timedelta(days=config["SESSION_MAX_DAYS"])}
