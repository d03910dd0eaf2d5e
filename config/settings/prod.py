"""Production settings: the base settings, with HTTPS assumed unless NEWSDESK_HTTPS=0.

HTTPS brings Secure cookies and HSTS (config/settings/base.py, `https_settings`); HttpOnly and
SameSite=Lax cookies, CSP and the other headers are on in every setting.
"""

from .base import *  # noqa: F403
from .base import _env_bool, https_settings

DEBUG = False
SECURE_SSL_REDIRECT = False  # the proxy in front terminates TLS (and redirects plain HTTP)
globals().update(https_settings(_env_bool("NEWSDESK_HTTPS", True)))
