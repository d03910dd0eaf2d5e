"""The benchmark's pages: a ground-truth set (tuning + held-out) and a larger throughput batch.

Ground truth is known by construction: every page is rendered from a story we wrote, so the true
title, authors, date and body text are the story's own fields, not anything an extractor produced.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.extract import furniture, templates

DATA = Path(__file__).resolve().parent.parent / "data"
GOLDEN_PAGES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pages"


@dataclass(frozen=True)
class Truth:
    title: str
    authors: tuple[str, ...]
    date: str  # YYYY-MM-DD, the story's local date
    text: str  # the body, paragraphs separated by blank lines


@dataclass(frozen=True)
class Page:
    name: str
    content: bytes  # what a fetcher would hand us
    truth: Truth | None
    held_out: bool = False


def load_stories(kind: str) -> list[templates.Story]:
    with open(DATA / f"stories_{kind}.json", encoding="utf-8") as fh:
        stories: list[templates.Story] = json.load(fh)
    return stories


def truth_of(story: templates.Story) -> Truth:
    text = "\n\n".join(p.removeprefix("## ").removeprefix("> ") for p in story["paragraphs"])
    date = datetime.fromisoformat(story["published"]).date().isoformat()
    return Truth(story["title"], tuple(story["authors"]), date, text)


def ground_truth_pages() -> list[Page]:
    """28 tuning pages over the tuning templates, 12 held-out pages over the held-out templates."""
    pages = []
    tuning = list(templates.TUNING.items())
    for i, story in enumerate(load_stories("tune")):
        name, render = tuning[i % len(tuning)]
        html = render(story, random.Random(f"gt-{story['id']}")).encode("utf-8")
        pages.append(Page(f"{story['id']}-{name}", html, truth_of(story)))
    held = list(templates.HELD_OUT.items())
    for i, story in enumerate(load_stories("heldout")):
        name, render = held[i % len(held)]
        html = render(story, random.Random(f"gt-{story['id']}")).encode("utf-8")
        pages.append(Page(f"{story['id']}-{name}", html, truth_of(story), held_out=True))
    return pages


def throughput_pages(count: int, seed: int = 7, weight: furniture.Weight = furniture.HEAVY) -> list[Page]:
    """`count` pages: every template, every story, varied furniture; plus the golden test pages."""
    rng = random.Random(seed)
    stories = load_stories("tune") + load_stories("heldout")
    renders = list(templates.ALL.items())
    pages = []
    with furniture.weighing(weight):
        for i in range(count):
            story = longer(rng.choice(stories), stories, rng)
            name, render = renders[i % len(renders)]
            html = render(story, random.Random(rng.random())).encode("utf-8")
            pages.append(Page(f"{i:04d}-{story['id']}-{name}", html, None))
    for path in sorted(GOLDEN_PAGES.glob("*.html")):
        pages.append(Page(path.stem, path.read_bytes(), None))
    return pages


def longer(story: templates.Story, stories: list[templates.Story], rng: random.Random) -> templates.Story:
    """Real articles run from 150 to 1,500 words; ours are short, so borrow paragraphs from others."""
    extra = [p for other in rng.sample(stories, rng.randint(0, 4)) for p in other["paragraphs"]]
    return {**story, "paragraphs": story["paragraphs"] + extra}


def write_pages(pages: list[Page], folder: Path) -> list[Path]:
    """Write pages as files, as the CLI reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in pages:
        path = folder / f"{page.name}.html"
        path.write_bytes(page.content)
        paths.append(path)
    return paths
