"""What counts as evidence of one event: named things, not name words (decision 0020, "Evidence by named
things"). One test per confuser of a small regional site, where the idf floor makes every word look
rare: a chain of stories through one estate's names, one place name plus the words of the area, one
outlet's patch, one institution behind two warnings; and the joins the rules still make. Every text is
invented."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.stories.core import ENTITY, NUMBER, signals, things
from newsdesk.stories.memory import MemoryIndex

T0 = datetime(2026, 10, 12, 7, 0, tzinfo=UTC)

Article = tuple[int, float, str, str, str]  # (outlet, hours after T0, title, lead, body)


def _place(index: MemoryIndex, key: str, article: Article) -> int:
    outlet, hours, title, lead, body = article
    index.assign(key, signals(title, lead, body, "en", T0 + timedelta(hours=hours), source=outlet))
    return index.assignment[key]


# ---- a chain: each story shares one named thing with the one before (the shore, the estate, a lane) ---
_GAUGES = (
    1,
    0,
    "Floodmark raises funds to put water gauges on every street of the Brack Shore",
    "Floodmark, a young firm from the Brack Shore, has raised money to fit water gauges on every street "
    "where residents have seen flooding.",
    "The gauges will send a reading every minute, and residents of the Brack Shore will get a warning on "
    "their phones before a surge reaches their street. The firm plans to hire six engineers this winter.",
)
_FIBRE = (
    3,
    14,
    "Fast fibre finally arrives on the Tollard Heights estate",
    "Homes on the Tollard Heights estate on the Brack Shore can now order fast fibre, two years after "
    "the estate was left off the first map.",
    "The last cable went up the hill this month. Families on Tollard Heights who work from home say the "
    "old copper line dropped every evening; the estate's residents' group had collected four hundred "
    "names on a petition.",
)
_BUS = (
    3,
    30,
    "Route 9 bus cut leaves the Tollard Heights estate without an evening service",
    "The last Route 9 bus will leave the town centre at six from next month, leaving residents of the "
    "Tollard Heights estate without a way home in the evening.",
    "The operator said too few residents rode the late buses up Wickam Lane. Shift workers on the "
    "estate say the cut leaves them a forty-minute walk uphill in the dark.",
)
_PITCH = (
    4,
    46,
    "Hilltop Rovers get a new all-weather pitch beside Wickam Lane",
    "Hilltop Rovers, the estate's youth football club, will train on a new all-weather pitch beside "
    "Wickam Lane after years of mud.",
    "The club raised the money with a sponsored walk and a grant; coaches said the old field was "
    "under water from October to March and matches were called off most weekends.",
)


def test_a_chain_of_stories_through_one_estates_names_stays_apart() -> None:
    # before: the bus cut joined the fibre story on the estate's name and "estate", and the pitch
    # joined them on the lane's name: three events in one story
    index = MemoryIndex()
    stories = [_place(index, key, a) for key, a in zip("gfbp", (_GAUGES, _FIBRE, _BUS, _PITCH), strict=True)]
    assert len(set(stories)) == 4


# ---- one place name and the words of the area, two outlets -------------------------------------------
_TRAM = (
    1,
    0,
    "Tram Line 4 extension to Morwick wins its funding",
    "The extension of Tram Line 4 to Morwick has won its funding, and the new terminus will stand beside "
    "the community centre.",
    "Passengers from Morwick will save twenty minutes on the journey into the city centre. Work on the "
    "track starts in spring, and the first trams should run in two years, the transport authority said.",
)
_FLU = (
    2,
    22,
    "Drop-in flu jabs at the community centre from Monday",
    "Older residents of Morwick can have a flu jab without an appointment at the community centre, "
    "where nurses will be on hand every morning.",
    "The practice said the journey into the city centre put many patients off last winter. Nurses will "
    "also check blood pressure, and volunteers will serve tea while people wait.",
)


def test_one_place_name_and_the_areas_words_do_not_join_two_events() -> None:
    index = MemoryIndex()
    assert _place(index, "tram", _TRAM) != _place(index, "flu", _FLU)


# ---- one outlet, one village, a shared title word ----------------------------------------------------
_BIRDS = (
    5,
    0,
    "Wading birds return as the sea is let back into Gull Staithe",
    "Three years after the old sea wall at Gull Staithe was breached on purpose, redshank and godwits are "
    "nesting on what was grazing land.",
    "Engineers cut three gaps in the sea wall three winters ago, and the tide now covers the marsh twice "
    "a day. Birdwatchers counted forty nesting pairs this spring, against none before the breach.",
)
_WALL = (
    5,
    7,
    "Sea wall repairs begin at Gull Staithe before the winter storms",
    "Engineers have started to rebuild two hundred metres of the sea wall in front of Gull Staithe, "
    "where inspections found the stonework crumbling.",
    "Rock will come by barge, and the work should be finished before the winter storms. The engineers "
    "said the stretch that protects the village's houses had not been repaired in fifty years.",
)


def test_one_outlets_two_events_at_one_village_stay_apart() -> None:
    index = MemoryIndex()
    assert _place(index, "birds", _BIRDS) != _place(index, "wall", _WALL)


# ---- one institution behind two different warnings ---------------------------------------------------
_FROST = (
    3,
    0,
    "Hard frost expected on the moor as temperatures fall",
    "The Brack Weather Service expects a hard frost on the moor overnight, with roads icy by dawn.",
    "Drivers should allow extra time in the morning, and the weather service said the frost would "
    "return on Thursday. Gritters will be out on the main roads from ten at night.",
)
_FOG = (
    1,
    0.5,
    "Sea fog to linger over the harbour all weekend",
    "Thick sea fog will hang over the harbour until Sunday, the Brack Weather Service said.",
    "Ferries may run late and drivers on the coast road should slow down, the weather service said, as "
    "the warm air over the cold water keeps the fog in place through the weekend.",
)


def test_two_warnings_of_one_weather_service_stay_apart() -> None:
    index = MemoryIndex()
    assert _place(index, "frost", _FROST) != _place(index, "fog", _FOG)


# ---- named things, not name words --------------------------------------------------------------------
def test_a_place_named_in_two_words_is_one_thing_and_one_word_of_a_name_is_none() -> None:
    sig = signals(
        "Otters seen at Gull Staithe",
        "The Coast Otter Trust counted four otters at Gull Staithe and two at Pell Mouth on 3 May, 2026.",
        "",
        "en",
        T0,
    )
    assert things(sig, [ENTITY + "gull", ENTITY + "staithe"]) == 1
    assert things(sig, [ENTITY + "gull", ENTITY + "staithe", ENTITY + "pell", ENTITY + "mouth"]) == 2
    # "Coast" alone of "Coast Otter Trust" is not the trust
    assert things(sig, [ENTITY + "coast"]) == 0
    assert things(sig, [ENTITY + "coast", ENTITY + "otter", NUMBER + "2026"]) == 2


# ---- what still joins --------------------------------------------------------------------------------
_PRIZE = (
    1,
    0,
    "Hanne Oster wins the Larkfield Prize for 'The Glass Meadow'",
    "Hanne Oster has won the Larkfield Prize for fiction with 'The Glass Meadow', her third novel, the "
    "judges announced at a dinner in the city last night.",
    "The judges praised the novel's portrait of a family of glassmakers over three generations. Oster, "
    "who wrote the book while working nights in a bakery, said she would use the prize money to take a "
    "year off to write. Her small publisher has ordered a reprint of ten thousand copies.",
)
_PRIZE_BRIEF = (
    2,
    2,
    "Larkfield Prize goes to Oster",
    "Hanne Oster's 'The Glass Meadow' won this year's Larkfield Prize.",
    "Hanne Oster's 'The Glass Meadow' won this year's Larkfield Prize.",
)
_OUTAGE = (
    1,
    0,
    "Exam board halts on-screen exams after computer failure",
    "Thousands of students could not submit their answers when the exam board's computer system failed "
    "halfway through the on-screen exams, and the papers were suspended.",
    "The board said the failure hit the submission servers and that no answers were lost. Students will "
    "sit the suspended papers again next month, on paper if the computer system is not fixed.",
)
_GLITCH = (
    2,
    3,
    "On-screen exam glitch",
    "On-screen exams were suspended after a computer failure stopped students submitting their papers.",
    "On-screen exams were suspended after a computer failure stopped students submitting their papers.",
)


def test_a_brief_naming_the_prize_the_writer_and_the_book_joins() -> None:
    index = MemoryIndex()
    assert _place(index, "prize", _PRIZE) == _place(index, "brief", _PRIZE_BRIEF)


def test_a_brief_that_names_nothing_joins_a_close_report() -> None:
    index = MemoryIndex()
    assert _place(index, "outage", _OUTAGE) == _place(index, "glitch", _GLITCH)


_WHALE = (
    1,
    0,
    "Volunteers keep a stranded whale wet for nine hours at Pell Sands",
    "A young minke whale stranded on Pell Sands at low tide was kept wet with buckets and sheets by "
    "volunteers until the sea came back in.",
    "Rescuers dug a trench round the whale and floated it off on the evening tide. It swam out of the bay "
    "and was seen again the next morning, a marine rescue volunteer said.",
)
_WHALE_BRIEF = (
    2,
    3,
    "Whale refloated at Pell Sands",
    "Volunteers refloated a stranded minke whale at Pell Sands after keeping it wet for nine hours.",
    "Volunteers refloated a stranded minke whale at Pell Sands after keeping it wet for nine hours.",
)


def test_one_named_place_and_a_word_of_both_titles_still_join() -> None:
    index = MemoryIndex()
    assert _place(index, "whale", _WHALE) == _place(index, "brief", _WHALE_BRIEF)
