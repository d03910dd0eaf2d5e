"""The cookie registry: one list that the banner, the policy and the log are built from."""

from __future__ import annotations

from newsdesk.consent.registry import Category, Item, Kind, build, builtin_items

OURS = builtin_items("newsdesk_consent", "csrftoken", "sessionid")
ANALYTICS = Item("Stats", Category.ANALYTICS, "Counts visits", "—", Kind.REQUEST, "Stats Ltd")


def test_with_only_necessary_items_there_is_nothing_to_ask():
    assert not build("1", OURS, []).asks
    assert build("1", OURS, [ANALYTICS]).asks


def test_every_builtin_item_is_necessary_and_fully_described():
    for item in OURS:
        assert item.category == Category.NECESSARY
        assert str(item.purpose)
        assert str(item.duration)


def test_the_version_changes_when_what_is_asked_changes():
    base = build("1", OURS, [ANALYTICS]).version
    assert build("1", OURS, [ANALYTICS]).version == base
    assert build("2", OURS, [ANALYTICS]).version != base  # the operator's number
    other_vendor = Item("Stats", Category.ANALYTICS, "Counts visits", "—", Kind.REQUEST, "Other Ltd")
    assert build("1", OURS, [other_vendor]).version != base
    longer = Item("_st", Category.ANALYTICS, "visitor id", "13 months", Kind.COOKIE, "Stats Ltd")
    assert build("1", OURS, [ANALYTICS, longer]).version != base
    assert build("1", OURS, [longer, ANALYTICS]).version == build("1", OURS, [ANALYTICS, longer]).version


def test_necessary_items_change_without_asking_everyone_again():
    extra = Item("lang", Category.NECESSARY, "language", "session")
    assert build("1", [*OURS, extra], [ANALYTICS]).version == build("1", OURS, [ANALYTICS]).version


def test_categories_for_templates_list_all_four_in_order():
    cats = build("1", OURS, [ANALYTICS]).categories()
    assert [c["key"] for c in cats] == ["necessary", "preferences", "analytics", "marketing"]
    assert [c["optional"] for c in cats] == [False, True, True, True]
    assert cats[2]["items"] == (ANALYTICS,)
    assert cats[1]["items"] == ()


def test_the_snapshot_is_plain_data():
    snap = build("1", OURS, [ANALYTICS]).snapshot()
    assert {"name": "Stats", "category": "analytics", "purpose": "Counts visits", "duration": "—",
            "kind": "request", "third_party": "Stats Ltd"} in snap  # fmt: skip
    assert all(isinstance(v, str) for d in snap for v in d.values())


def test_refusing_clears_the_refused_categories_cookies_and_storage():
    cookie = Item("_st", Category.ANALYTICS, "id", "1 year", Kind.COOKIE, "Stats Ltd")
    stored = Item("_st_seen", Category.ANALYTICS, "seen", "forever", Kind.LOCAL_STORAGE, "Stats Ltd")
    ad = Item("_ad", Category.MARKETING, "id", "1 year", Kind.COOKIE, "Ads plc")
    reg = build("1", OURS, [ANALYTICS, cookie, stored, ad])
    assert reg.leftovers(frozenset()) == (["_ad", "_st"], True)
    assert reg.leftovers(frozenset({Category.ANALYTICS})) == (["_ad"], False)
    assert reg.leftovers(frozenset({Category.MARKETING})) == (["_st"], True)
    prefs = Item("theme", Category.PREFERENCES, "theme", "1 year", Kind.LOCAL_STORAGE)
    both = build("1", OURS, [stored, prefs])
    assert both.leftovers(frozenset({Category.PREFERENCES})) == ([], False)  # storage still in use
