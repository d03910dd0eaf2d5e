"""HTTPS, cookies and security headers (docs/decisions/0012, 0013), part of the base settings:
config/settings/base.py imports every name of this module, so each setting here is a setting of base,
prod and test alike.
"""

from __future__ import annotations

from csp.constants import NONCE, NONE, SELF

from .env import _env_bool, _env_int

# NEWSDESK_HTTPS=1: TLS is ended by a proxy in front, which sets X-Forwarded-Proto (and strips a
# client's own); cookies get Secure and HSTS is sent (by Django, only on HTTPS requests).
# config.settings.prod turns it on unless NEWSDESK_HTTPS=0.
HTTPS = _env_bool("NEWSDESK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = _env_int("NEWSDESK_HSTS_SECONDS", 31536000) if HTTPS else 0
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Outlets see that a reader came from us (the origin), never which page or search.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The only login is the admin's: after it (or for an unsafe `next`), the admin's index.
LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "/admin/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # a nonce only on pages that render an inline script (snippets)
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb",
    )
}  # fmt: skip
