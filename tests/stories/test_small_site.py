"""A small regional site: a few dozen articles that nearly all name the same coast and town. Before the
site has seen many articles every word looks rare (the idf floor), so the shared region names and
everyday words must not be enough to put two different events in one story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.stories.core import DEFAULT, common_terms, signals
from newsdesk.stories.memory import MemoryIndex

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)

# (outlet, hours after T0, title, lead, body) - invented outlets and places
_FESTIVAL = (
    1,
    0,
    "Lanning Film Days announces its programme of coastal films",
    "The Lanning Film Days will open at the Harbour Picture House in Port Lanning on the Marrow Coast.",
    "Organisers of the Lanning Film Days said the festival would screen thirty films shot along the Marrow "
    "Coast, with a prize for young directors from Port Lanning and Skelby. Tickets go on sale next week "
    "and the closing gala will show a documentary about the lighthouse keepers of the coast.",
)
_SHIPYARD = (
    2,
    3,
    "Skelby boatbuilder lands contract for three hybrid tugs",
    "Halloran Marine in Skelby has won a contract to build three hybrid tugs for the pilots of "
    "Port Lanning on the Marrow Coast.",
    "The order keeps the Skelby yard busy until next spring and a government grant pays for the "
    "batteries. Welders at Halloran Marine said the tugs would be the first of their kind on the Marrow "
    "Coast, and the pilots of Port Lanning hope to cut the diesel their boats burn by half.",
)
_SENSORS = (
    1,
    6,
    "Start-up raises money for tide gauges on every quay",
    "Brinewatch, a start-up from Port Lanning, has raised money to fit tide gauges along the Marrow Coast.",
    "The gauges send a reading every minute so that the coastguard at Port Lanning and the Skelby lifeboat "
    "crew can see a surge before it arrives. The fund behind Brinewatch backs firms on the Marrow Coast.",
)
# Two clinics in the same town: the topic words agree, the town is named in most of the site's articles.
_WALK_IN = (
    3,
    9,
    "Walk-in vaccination clinic opens at the Ashby library",
    "A walk-in clinic offering winter vaccinations opens at the library in Ashby, with nurses and "
    "volunteers on hand and no appointment needed.",
    "Nurses from the health board will run the clinic until March. Volunteers will help visitors who come "
    "without an appointment, and the library will stay open longer while the clinic runs.",
)
_LATE_CLINIC = (
    2,
    12,
    "Ashby infirmary starts an evening clinic for shift workers",
    "The infirmary in Ashby is opening an evening clinic, staffed by nurses and volunteers, so that shift "
    "workers can keep an appointment after work.",
    "The clinic takes appointments until nine at night. Nurses and volunteers staff it, and the infirmary "
    "says shift workers missed appointments because the day clinic clashed with their hours.",
)
_ASHBY_NEWS = [
    f"Ashby {topic}: {detail} in Ashby this {when}, the town council of Ashby said."
    for topic, detail, when in [
        ("market", "the Saturday market moves to the square", "spring"),
        ("roadworks", "the high street closes for resurfacing", "month"),
        ("choir", "the town choir sings for the lifeboat", "winter"),
        ("allotments", "twenty new allotments open by the river", "summer"),
        ("parking", "the car park behind the station gets a new ticket machine", "autumn"),
        ("swimming", "the swimming pool reopens after new tiles", "week"),
    ]
]
# Two outlets report one event: the same ferry, the same number, the same captain.
_FERRY_A = (
    1,
    20,
    "Ferry Kittiwake runs aground outside Port Lanning with 212 passengers aboard",
    "The ferry Kittiwake ran aground on a sandbank outside Port Lanning with 212 passengers aboard.",
    "Captain Orla Brennick said the Kittiwake struck the bank in fog. Lifeboats from Skelby took the "
    "passengers ashore and nobody was hurt; the ferry will be refloated on the evening tide.",
)
_FERRY_B = (
    2,
    22,
    "212 passengers taken off grounded Kittiwake ferry",
    "Lifeboats took 212 passengers off the Kittiwake after the ferry grounded near Port Lanning.",
    "Captain Orla Brennick told the harbour board the Kittiwake had drifted onto a sandbank in thick fog. "
    "Salvage crews hope to refloat the grounded ferry when the tide rises tonight.",
)


def _place(index: MemoryIndex, key: str, article: tuple[int, int, str, str, str]) -> int:
    outlet, hours, title, lead, body = article
    index.assign(key, signals(title, lead, body, "en", T0 + timedelta(hours=hours), source=outlet))
    return index.assignment[key]


def test_the_regions_names_alone_do_not_join_different_events() -> None:
    index = MemoryIndex()
    festival = _place(index, "festival", _FESTIVAL)
    shipyard = _place(index, "shipyard", _SHIPYARD)
    sensors = _place(index, "sensors", _SENSORS)
    assert len({festival, shipyard, sensors}) == 3


def test_the_same_topic_word_does_not_join_different_events() -> None:
    index = MemoryIndex()
    index.prime([signals(text, text, text, "en", T0) for text in _ASHBY_NEWS])
    assert _place(index, "walk-in", _WALK_IN) != _place(index, "late", _LATE_CLINIC)


def test_one_event_on_a_small_site_still_joins() -> None:
    index = MemoryIndex()
    for key, article in (("festival", _FESTIVAL), ("shipyard", _SHIPYARD), ("sensors", _SENSORS)):
        _place(index, key, article)
    first = _place(index, "ferry-a", _FERRY_A)
    assert _place(index, "ferry-b", _FERRY_B) == first
    assert len(index.stories[first].members) == 2


def test_a_name_in_most_of_the_sites_articles_is_common() -> None:
    df = {"@marrow": 9, "@kittiwake": 2, "harbour": 4}
    assert common_terms(["@marrow", "@kittiwake", "harbour"], df, n_docs=12) == {"@marrow", "harbour"}
    # on a larger site a share of 10% is the limit, not the count
    assert common_terms(["@marrow", "@kittiwake", "harbour"], df, n_docs=60) == {"@marrow"}
    assert DEFAULT.common_docs == 3
