"""Our own cookies (the language, the remembered requester) follow the session cookie's rules."""

from flask import current_app


def set_cookie(response, name: str, value: str, *, max_age: int) -> None:
    """Not readable by scripts, not sent along with other sites' posts, and HTTPS-only
    wherever the session cookie is (always in production)."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
