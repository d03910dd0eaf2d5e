"""A synthetic stream of news for the speed benchmark: events with their own invented names and
wording, each covered by 1 to 5 outlets over a day or two, spread over a month. Not for quality
(the labelled set is for that); only the shape matters: vocabulary, lengths, overlap, arrival times.

An event has four names: two of its own (four invented syllables, so rare however long the stream) and
two from a pool of 2,000 recurring ones drawn by rank (Zipf-like: the country, the city, the minister,
the club that many events name), as real news names a few things often and most things rarely."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

START = datetime(2026, 1, 1, tzinfo=UTC)
_SYLLABLES = ["ka", "lo", "mi", "ren", "dor", "vash", "tel", "bru", "pen", "sor"]
_SYLLABLES += ["lin", "gam", "fet", "hul", "qua", "zen", "rop", "dil", "mav", "tor"]


@dataclass(frozen=True)
class Item:
    id: int
    event: int
    title: str
    lead: str
    text: str
    published: datetime


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def stream(n: int, *, seed: int = 1, days: int = 30) -> list[Item]:
    rng = random.Random(seed)
    common = [_word(rng, 2) for _ in range(3000)]  # the shared vocabulary (Zipf-ish by rank)
    weights = [1 / (rank + 1) for rank in range(len(common))]
    known = [_word(rng, 3).capitalize() for _ in range(2000)]  # recurring names
    known_weights = [1 / (rank + 1) for rank in range(len(known))]
    items: list[Item] = []
    event = 0
    while len(items) < n:
        event += 1
        own = [_word(rng, 4).capitalize() for _ in range(2)]
        recurring = rng.choices(known, known_weights, k=2)
        names = [own[0], recurring[0], own[1], recurring[1]]
        topic = rng.choices(common, weights, k=12)
        start = START + timedelta(seconds=rng.uniform(0, days * 86400))
        for _ in range(rng.choice([1, 2, 3, 3, 4, 5])):

            def sentence(k: int, topic: list[str] = topic, names: list[str] = names) -> str:
                words = rng.choices(common, weights, k=k) + rng.sample(topic, 4)
                rng.shuffle(words)
                return " ".join(words) + " " + " ".join(rng.sample(names, 2)) + "."

            title = f"{names[0]} {' '.join(rng.sample(topic, 4))} {names[1]}"
            lead = sentence(20)
            text = lead + "\n\n" + " ".join(sentence(14) for _ in range(5))
            published = start + timedelta(minutes=rng.uniform(0, 36 * 60))
            items.append(Item(len(items) + 1, event, title, lead, text, published))
    items.sort(key=lambda i: (i.published, i.id))
    return items[:n]
