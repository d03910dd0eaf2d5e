"""The cookie registry: every cookie, storage item and third-party request the site may cause, in one place.

The banner, the cookie policy page and the consent record are all generated from it, so what a reader is
asked about, what the policy lists and what the log proves cannot drift apart.

Our own items are listed here in code. An operator's analytics or marketing snippet adds itself (a
third-party request) and the cookies it declares (admin: Consent › Snippets) when it is enabled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Category(StrEnum):
    NECESSARY = "necessary"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    MARKETING = "marketing"


# The categories a reader chooses about; "necessary" is always on.
OPTIONAL = (Category.PREFERENCES, Category.ANALYTICS, Category.MARKETING)

CATEGORY_LABELS = {
    Category.NECESSARY: _("Strictly necessary"),
    Category.PREFERENCES: _("Preferences"),
    Category.ANALYTICS: _("Analytics"),
    Category.MARKETING: _("Marketing"),
}

CATEGORY_DESCRIPTIONS = {
    Category.NECESSARY: _(
        "Needed for something you asked for, such as remembering this choice or signing in to the admin. "
        "They are set only when needed and cannot be switched off."
    ),
    Category.PREFERENCES: _("Remember settings you pick on this site, such as display choices."),
    Category.ANALYTICS: _(
        "Count visits and measure which pages are read, so the site can be improved. No advertising."
    ),
    Category.MARKETING: _("Measure or personalise advertising, possibly together with other websites."),
}


class Kind(StrEnum):
    COOKIE = "cookie"
    LOCAL_STORAGE = "localStorage"
    REQUEST = "request"  # a script or pixel loaded from another server


KIND_LABELS = {
    Kind.COOKIE: _("cookie"),
    Kind.LOCAL_STORAGE: _("local storage"),
    Kind.REQUEST: _("third-party request"),
}


@dataclass(frozen=True)
class Item:
    """One cookie, storage entry or third-party request. `third_party` is empty when only we see it."""

    name: str
    category: Category
    purpose: str | Promise  # our own are lazy translations
    duration: str | Promise
    kind: Kind = Kind.COOKIE
    third_party: str = ""

    @property
    def kind_label(self) -> str | Promise:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def builtin_items(consent_cookie: str, csrf_cookie: str, session_cookie: str) -> list[Item]:
    """Our own items. Every cookie Newsdesk's code can set is here (tests/consent check the list)."""
    return [
        Item(
            consent_cookie,
            Category.NECESSARY,
            _(
                "Remembers your cookie choice, the policy version you chose under, and a random id that "
                "links the choice to our record of it. Set only when you make a choice."
            ),
            _("6 months"),
        ),
        Item(
            csrf_cookie,
            Category.NECESSARY,
            _(
                "Protects the admin's forms against cross-site request forgery. Set only when staff open "
                "the admin sign-in; public forms do not use it."
            ),
            _("1 year"),
        ),
        Item(
            session_cookie,
            Category.NECESSARY,
            _("Keeps staff signed in to the admin. Never set for readers."),
            _("2 weeks, or until sign-out"),
        ),
        Item(
            "messages",
            Category.NECESSARY,
            _("Carries a one-time confirmation message between two admin pages. Never set for readers."),
            _("Until the next page"),
        ),
    ]


@dataclass(frozen=True)
class Registry:
    items: tuple[Item, ...]
    operator_version: str = "1"
    _by_category: dict[Category, tuple[Item, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped = {c: tuple(i for i in self.items if i.category == c) for c in Category}
        object.__setattr__(self, "_by_category", grouped)

    def in_category(self, category: Category) -> tuple[Item, ...]:
        return self._by_category[category]

    @property
    def asks(self) -> bool:
        """True when anything needs consent; with only necessary items there is nothing to ask."""
        return any(self._by_category[c] for c in OPTIONAL)

    @cached_property
    def version(self) -> str:
        """The policy version readers consent under: the operator's number plus a digest of what is asked.

        Adding, removing or rewording a non-necessary item changes it, so nobody's earlier "yes" covers a
        vendor they were never told about; necessary items can change without asking everyone again.
        """
        asked = [i.as_dict() for i in self.items if i.category != Category.NECESSARY]
        payload = json.dumps(sorted(asked, key=lambda d: sorted(d.items())), sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:8]
        return f"{self.operator_version}.{digest}"

    def leftovers(self, granted: frozenset[Category]) -> tuple[list[str], bool]:
        """What to clear when categories are refused: their declared cookies, and whether to clear storage.

        Storage is cleared (Clear-Site-Data: "storage") only when no category still granted declares any:
        we keep nothing there ourselves.
        """
        refused = [i for i in self.items if i.category in OPTIONAL and i.category not in granted]
        cookies = sorted({i.name for i in refused if i.kind == Kind.COOKIE})
        kept = any(i.kind == Kind.LOCAL_STORAGE and i.category in granted for i in self.items)
        return cookies, not kept and any(i.kind == Kind.LOCAL_STORAGE for i in refused)

    def snapshot(self) -> list[dict[str, str]]:
        """The whole registry as plain data, kept with the consent log as what the reader was shown."""
        return [i.as_dict() for i in self.items]

    def categories(self) -> list[dict[str, object]]:
        """For templates: each category with its label, description and items."""
        return [
            {
                "key": c.value,
                "label": CATEGORY_LABELS[c],
                "description": CATEGORY_DESCRIPTIONS[c],
                "items": self._by_category[c],
                "optional": c != Category.NECESSARY,
            }
            for c in Category
        ]


def build(operator_version: str, builtin: Iterable[Item], declared: Iterable[Item]) -> Registry:
    return Registry(items=(*builtin, *declared), operator_version=operator_version)
