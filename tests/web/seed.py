"""A realistic newsroom for page and browser tests, from the demo outlets' stories (our own invented words).

Articles are created with the models directly, as the pipeline would have stored them, with their
images on the demo server (on loopback) so the image proxy has something real to fetch. Edge cases are
added beside them: no image, no author, the pipeline's "no date" fallback, an extremely long title,
right-to-left text, and a quarantined story that must never show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.text import slugify

from newsdesk.articles.models import Article
from newsdesk.ingest.stages.excerpt import make_excerpt
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk_demo.content import load_outlets

# Demo categories onto a small clean topic set (the real mapping is newsdesk/topics' job).
TOPICS = {
    "Politics": ("Council", "Politics", "Elections", "Government"),
    "Transport": ("Transport", "Ferries", "Roads", "Rail", "Harbour", "Trams", "Buses"),
    "Business": ("Business", "Economy", "Jobs", "Shops", "Fishing", "Tourism"),
    "Science & Environment": ("Science", "Environment", "Weather", "Energy", "Climate", "Nature"),
    "Culture": ("Culture", "Arts", "Music", "Food", "Festival", "History"),
    "Community": ("Housing", "Schools", "Education", "Health", "Community", "Sport"),
}

LONG_TITLE = (
    "An extraordinarily long headline about the harbour authority's annual review of mooring fees, dredging "
    "schedules, lighthouse maintenance, ferry timetables, winter storm preparations and the much-debated "
    "proposal to rename the old customs house after a nineteenth-century lighthouse keeper"
)
NO_DATE_TITLE = "Notice: the library's reading room is closed for repairs"
RTL_TITLE = "ميناء فيرا يفتتح رصيفاً جديداً للصيادين بعد عامين من الأشغال"
RTL_TEXT = (
    "افتتحت سلطة الميناء صباح اليوم رصيفاً جديداً مخصصاً لقوارب الصيد الصغيرة، بعد أشغال استمرت عامين. "
    "ويقول الصيادون إن الرصيف سيختصر ساعات الانتظار عند التفريغ، خاصة في موسم الشتاء."
)


@dataclass
class Newsroom:
    sources: list[Source] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    topics: dict[str, Topic] = field(default_factory=dict)
    no_image: Article = field(init=False)
    no_author: Article = field(init=False)
    no_date: Article = field(init=False)
    long_title: Article = field(init=False)
    rtl: Article = field(init=False)
    quarantined: Article = field(init=False)


def _topic_for(category: str, topics: dict[str, Topic]) -> Topic | None:
    for name, members in TOPICS.items():
        if category in members:
            return topics[name]
    return None


def seed(base_url: str, now: datetime | None = None) -> Newsroom:
    """Store the demo's published stories as articles; `base_url` is the demo server's."""
    now = now or timezone.now()
    room = Newsroom()
    for name in TOPICS:
        room.topics[name], _ = Topic.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": f"Stories about {name.lower()}."}
        )
    for outlet in load_outlets():
        source = Source.objects.create(
            name=outlet.name,
            url=f"{base_url}/{outlet.slug}/feed",
            site_url=f"{base_url}/{outlet.slug}/",
            icon_url=f"{base_url}/{outlet.slug}/images/logo.svg" if outlet.slug != "bulletin" else "",
            language=outlet.language,
        )
        room.sources.append(source)
        for story in outlet.stories:
            if story.held or story.spam or story.copy_of:
                continue
            published = now - timedelta(hours=story.hours_ago or 0)
            text = "\n\n".join((story.standfirst, *story.paragraphs))
            article = Article.objects.create(
                source=source,
                url=f"{base_url}/{outlet.slug}/{published.year}/{story.slug}/",
                link=f"{base_url}/{outlet.slug}/{published.year}/{story.slug}/",
                guid=f"{outlet.slug}-{story.number}",
                title=story.headline,
                authors=list(story.authors),
                published=published,
                excerpt=make_excerpt(text, 60),
                text=text,
                language=outlet.language,
                lead_image=f"{base_url}/{outlet.slug}/images/{story.slug}.svg",
                categories=list(story.categories),
            )
            room.articles.append(article)
            for category in story.categories:
                if topic := _topic_for(category, room.topics):
                    topic.articles.add(article)
    _edge_cases(room, base_url, now)
    return room


def _edge_cases(room: Newsroom, base_url: str, now: datetime) -> None:
    source = room.sources[0]
    common = {"source": source, "language": "en"}
    room.no_image = Article.objects.create(
        **common,
        url=f"{base_url}/edge/no-image/",
        title="Lifeboat crew rehearse a night rescue off the point",
        authors=["Tomas Brell"],
        published=now - timedelta(minutes=20),
        excerpt="Volunteers spent three hours in the dark bay practising with the new searchlight…",
        text="Volunteers spent three hours in the dark bay practising with the new searchlight.",
    )
    room.no_author = Article.objects.create(
        **common,
        url=f"{base_url}/edge/no-author/",
        title="Market hall opens its doors on Sundays from May",
        published=now - timedelta(minutes=50),
        lead_image=room.articles[1].lead_image,
        excerpt="Stallholders voted to try Sunday trading through the summer…",
        text="Stallholders voted to try Sunday trading through the summer.",
    )
    # A feed item without a date: the pipeline stores the time it first saw it.
    room.no_date = Article.objects.create(
        **common,
        url=f"{base_url}/edge/no-date/",
        title=NO_DATE_TITLE,
        published=now - timedelta(minutes=5),
        created_at=now - timedelta(minutes=5),
        excerpt="",
        text="",
    )
    room.long_title = Article.objects.create(
        **common,
        url=f"{base_url}/edge/long-title/",
        title=LONG_TITLE,
        authors=["Ines Marrow"],
        published=now - timedelta(hours=2),
        lead_image=room.articles[2].lead_image,
        excerpt="The harbour authority set out its plans for the year in a report of two hundred pages…",
        text="The harbour authority set out its plans for the year in a report of two hundred pages.",
    )
    room.rtl = Article.objects.create(
        source=room.sources[1],
        url=f"{base_url}/edge/rtl/",
        title=RTL_TITLE,
        authors=["سلمى حداد"],
        published=now - timedelta(hours=1),
        language="ar",
        excerpt=make_excerpt(RTL_TEXT, 60),
        text=RTL_TEXT,
    )
    room.quarantined = Article.objects.create(
        source=room.sources[-1],
        url=f"{base_url}/edge/quarantined/",
        title="Win big tonight at the casino",
        published=now - timedelta(minutes=1),
        excerpt="Spam…",
        text="Spam.",
        status=Article.Status.QUARANTINED,
    )
    room.topics["Transport"].articles.add(room.long_title, room.no_image)
    room.articles += [room.no_image, room.no_author, room.no_date, room.long_title, room.rtl]
