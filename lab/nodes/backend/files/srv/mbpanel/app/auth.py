"""Operator login and the `session` cookie that other routes require.

The cookie value is `<user>.<expiry>.<signature>`, an HMAC-SHA256 over user and
expiry with the lab's session secret, so every mod_wsgi process can verify it
without shared state.
"""

import hashlib
import hmac
import time

from fastapi import APIRouter, Cookie, HTTPException, Response
from pydantic import BaseModel

from .settings import load

COOKIE_NAME = "session"

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Credentials(BaseModel):
    username: str
    password: str


def _signature(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def issue_token(user: str, ttl_s: int, secret: str) -> str:
    message = f"{user}.{int(time.time()) + ttl_s}"
    return f"{message}.{_signature(secret, message)}"


def verify_token(token: str, secret: str) -> str | None:
    """Return the user a valid, unexpired token names, else None."""
    user, _, rest = token.partition(".")
    expiry, _, signature = rest.partition(".")
    if not (user and expiry.isdigit() and signature):
        return None
    expected = _signature(secret, f"{user}.{expiry}")
    if not hmac.compare_digest(expected, signature):
        return None
    if int(expiry) < time.time():
        return None
    return user


def session_user(token: str | None) -> str | None:
    if not token:
        return None
    return verify_token(token, load().session_secret)


def require_session(session: str | None = Cookie(default=None)) -> str:
    """FastAPI dependency: the logged-in user, or 401."""
    user = session_user(session)
    if user is None:
        raise HTTPException(status_code=401, detail="authentication required")
    return user


@router.post("/login")
def login(credentials: Credentials, response: Response) -> dict:
    settings = load()
    user_ok = hmac.compare_digest(credentials.username, settings.app_user)
    password_ok = hmac.compare_digest(credentials.password, settings.app_password)
    if not (user_ok and password_ok):
        raise HTTPException(status_code=401, detail="invalid username or password")
    response.set_cookie(
        COOKIE_NAME,
        issue_token(settings.app_user, settings.session_ttl_s, settings.session_secret),
        max_age=settings.session_ttl_s,
        httponly=True,
        secure=True,
        samesite="lax",
        path="/",
    )
    return {"user": settings.app_user, "expires_in_s": settings.session_ttl_s}


@router.post("/logout")
def logout(response: Response) -> dict:
    response.delete_cookie(COOKIE_NAME, path="/")
    return {"status": "logged out"}
