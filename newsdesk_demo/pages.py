"""The demo's HTML pages: the index, each outlet's home page, article pages and small pages.

Each outlet has its own templates (templates/<outlet>/), so the page furniture that the
extraction stage must strip differs from outlet to outlet, as it does on the real web.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from newsdesk_demo.content import Outlet
from newsdesk_demo.render import Html, esc, join, render
from newsdesk_demo.site import Site
from newsdesk_demo.spam import hidden_spam_html
from newsdesk_demo.timeline import Placed

LIVE_ITEMS = 6


def human(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M} UTC"


def index_page(site: Site, now: datetime) -> Html:
    rows = join(
        [
            render(
                "index_row.html",
                name=o.name,
                tagline=o.tagline,
                home=f"/{o.slug}/",
                feed=o.feed_path,
                feed_kind=o.feed.upper(),
                count=len(site.listed(o.slug, now)),
            )
            for o in site.outlets
        ]
    )
    links = join(
        [
            render("feed_link.html", type=o.feed_type, title=o.name, href=site.absolute(o.feed_path))
            for o in site.outlets
        ]
    )
    return render("index.html", rows_html=rows, feed_links_html=links)


def home_page(site: Site, outlet: Outlet, now: datetime, section: str | None) -> Html:
    listed = site.listed(outlet.slug, now)
    shown = [p for p in listed if not section or section in {c.lower() for c in p.story.categories}]
    cards = join([render(f"{outlet.slug}/card.html", **_card(site, p)) for p in shown])
    return render(
        f"{outlet.slug}/home.html",
        **_chrome(site, outlet, now),
        page_title=f"{section.title()} – {outlet.name}" if section else outlet.name,
        cards_html=cards or Html("<p>No stories in this section yet.</p>"),
        live_html=_live(site, outlet, listed, exclude=None),
    )


def article_page(site: Site, placed: Placed, now: datetime) -> Html:
    story = placed.story
    outlet = site.outlet_of(story)
    listed = site.listed(outlet.slug, now)
    others = [p for p in listed if p.story.slug != story.slug] or listed
    related = next((p for p in others if set(p.story.categories) & set(story.categories)), others[0])
    canonical = site.canonical_url(placed, now)
    paragraphs = [Html(f"<p>{esc(p)}</p>") for p in story.paragraphs]
    return render(
        f"{outlet.slug}/article.html",
        **_chrome(site, outlet, now),
        **_card(site, placed),
        canonical_url=canonical,
        image_url=site.absolute(site.image_path(story)),
        modified_iso=placed.updated.isoformat(),
        modified_html=_modified(placed),
        author_meta_html=join(
            [Html(f'<meta property="article:author" content="{esc(a)}">') for a in story.authors]
        ),
        categories_html=join(
            [
                Html(f'<a rel="tag" href="/{outlet.slug}/?section={quote(c.lower())}">{esc(c)}</a>')
                for c in story.categories
            ]
        ),
        section=story.categories[0],
        body_html=join(paragraphs),
        body_lead_html=join(paragraphs[:2]),
        body_rest_html=join(paragraphs[2:]),
        injected_html=Html(hidden_spam_html(site, outlet.slug) if story.injected_spam else ""),
        related_title=related.story.headline,
        related_url=site.story_path(related),
        live_html=_live(site, outlet, listed, exclude=story.slug),
        comments_html=_comments(outlet, placed, now),
        comment_count=_count(placed),
        jsonld_html=_jsonld(site, outlet, placed, canonical),
        **_share(outlet, canonical, story.headline),
    )


def simple_page(title: str, body: str, outlet: Outlet | None = None) -> Html:
    home = f"/{outlet.slug}/" if outlet else "/"
    return render(
        "page.html", title=title, body=body, home=home, site_name=outlet.name if outlet else "Demo outlets"
    )


def _chrome(site: Site, outlet: Outlet, now: datetime) -> dict[str, object]:
    """What every page of an outlet shows: name, feed link, logo."""
    return {
        "site_name": outlet.name,
        "tagline": outlet.tagline,
        "lang": outlet.language,
        "home": f"/{outlet.slug}/",
        "home_url": site.absolute(f"/{outlet.slug}/"),
        "feed_url": site.absolute(outlet.feed_path),
        "feed_type": outlet.feed_type,
        "logo": site.logo_path(outlet),
        "year": now.year,
        "about": outlet.about,
    }


def _card(site: Site, placed: Placed) -> dict[str, object]:
    story = placed.story
    return {
        "headline": story.headline,
        "standfirst": story.standfirst,
        "url": site.story_link(placed),
        "image": site.image_path(story),
        "image_alt": story.image_alt,
        "authors": " and ".join(story.authors),
        "published_iso": placed.published.isoformat(),
        "published_human": human(placed.published),
        "time": placed.published.strftime("%H:%M"),
        "category": story.categories[0],
        "post_id": story.number,
    }


def _live(site: Site, outlet: Outlet, listed: list[Placed], exclude: str | None) -> Html:
    items = [p for p in listed if p.story.slug != exclude][:LIVE_ITEMS]
    return join([render(f"{outlet.slug}/live.html", **_card(site, p)) for p in items])


def _modified(placed: Placed) -> Html:
    if placed.updated <= placed.published:
        return Html("")
    return Html(
        f'<p class="updated">Updated <time datetime="{placed.updated.isoformat()}">'
        f"{esc(human(placed.updated))}</time></p>"
    )


def _comment_time(placed: Placed, minutes: int, now: datetime) -> datetime:
    return min(placed.published + timedelta(minutes=minutes), max(now, placed.published))


def _comments(outlet: Outlet, placed: Placed, now: datetime) -> Html:
    if not placed.story.comments:
        return Html('<p class="no-comments">No comments yet. Be the first to have your say.</p>')
    return join(
        [
            render(
                f"{outlet.slug}/comment.html",
                author=c.author,
                text=c.text,
                when=human(_comment_time(placed, c.minutes_after, now).replace(second=0)),
            )
            for c in placed.story.comments
        ]
    )


def _count(placed: Placed) -> str:
    n = len(placed.story.comments)
    return "1 comment" if n == 1 else f"{n} comments"


def _share(outlet: Outlet, url: str, title: str) -> dict[str, object]:
    def via(service: str) -> str:
        return f"/{outlet.slug}/share/?" + urlencode({"service": service, "url": url})

    mail = "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)
    return {"share_facebook": via("facebook"), "share_x": via("x"), "share_whatsapp": via("whatsapp"),
            "share_email": mail}  # fmt: skip


def _jsonld(site: Site, outlet: Outlet, placed: Placed, canonical: str) -> Html:
    story = placed.story
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "description": story.standfirst,
        "datePublished": placed.published.isoformat(),
        "dateModified": placed.updated.isoformat(),
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        "image": [site.absolute(site.image_path(story))],
        "articleSection": story.categories[0],
        "keywords": list(story.categories),
        "mainEntityOfPage": canonical,
        "publisher": {"@type": "Organization", "name": outlet.name,
                      "logo": {"@type": "ImageObject", "url": site.absolute(site.logo_path(outlet))}},
    }  # fmt: skip
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return Html(f'<script type="application/ld+json">\n{text}\n</script>')
