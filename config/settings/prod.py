"""Production settings: the base settings, with HTTPS assumed unless NEWSDESK_HTTPS=0.

HTTPS brings Secure cookies and HSTS (config/settings/base.py); HttpOnly and SameSite=Lax cookies, CSP
and the other headers are on in every setting.
"""

import os

os.environ.setdefault("NEWSDESK_HTTPS", "1")

from .base import *  # noqa: F403

DEBUG = False
WHITENOISE_AUTOREFRESH = False
SECURE_SSL_REDIRECT = False  # the proxy in front terminates TLS (and redirects plain HTTP)
