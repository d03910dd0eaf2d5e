"""Page templates for the synthetic benchmark pages, modelled on common CMS layouts.

Each template takes a story (see bench/data/stories_*.json) and a seeded Random, and returns HTML.
Templates named in HELD_OUT are never used while tuning the clean-up; see bench/extract/quality.py.
"""

# ruff: noqa: E501  (HTML templates read best as the markup they produce, unwrapped)

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from bench.extract import furniture as f

Story = dict[str, Any]


def story_blocks(story: Story) -> list[str]:
    """The article body as HTML blocks: '## ' starts a subheading, '> ' a pull quote."""
    out = []
    for para in story["paragraphs"]:
        if para.startswith("## "):
            out.append(f"<h2>{escape(para[3:])}</h2>")
        elif para.startswith("> "):
            out.append(f"<blockquote><p>{escape(para[2:])}</p></blockquote>")
        else:
            out.append(f"<p>{escape(para)}</p>")
    return out


def with_inserts(blocks: list[str], inserts: list[str], rng: random.Random) -> str:
    """Scatter furniture between the body's paragraphs, never before the first one."""
    out = list(blocks)
    for item in inserts:
        out.insert(rng.randint(1, len(out) - 1) if len(out) > 1 else 1, item)
    return "\n".join(out)


def when(story: Story) -> datetime:
    return datetime.fromisoformat(story["published"])


def byline_text(authors: list[str]) -> str:
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + " and " + authors[-1]


def url_for(site_host: str, story: Story) -> str:
    return f"https://{site_host}/{story['section'].lower()}/{f.slug(story['title'])}"


def image_for(site_host: str, story: Story) -> str:
    return f"https://{site_host}/media/{story['id']}/lead.jpg"


def head(story: Story, site: str, extra: str, rng: random.Random) -> str:
    return (
        f'<head><meta charset="utf-8"><title>{escape(story["title"])} | {escape(site)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{extra}'
        f"{f.stylesheet(rng)}{f.analytics_scripts(rng)}</head>"
    )


def json_ld(story: Story, url: str, image: str, site: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story["title"],
        "datePublished": story["published"],
        "author": [{"@type": "Person", "name": a} for a in story["authors"]],
        "image": [image],
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": site},
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# ---- tuning templates -------------------------------------------------------


def wordpress(story: Story, rng: random.Random) -> str:
    site, host = "The Riverside Courier", "riversidecourier.example"
    url, img, dt = url_for(host, story), image_for(host, story), when(story)
    meta = (
        f'<link rel="canonical" href="{url}"><meta property="og:title" content="{escape(story["title"])}">'
        f'<meta property="og:type" content="article"><meta property="og:image" content="{img}">'
        f'<meta property="article:published_time" content="{story["published"]}">'
    )
    authors = " and ".join(
        f'<span class="author vcard"><a class="url fn n" href="/author/{f.slug(a)}/">{escape(a)}</a></span>'
        for a in story["authors"]
    )
    body = with_inserts(story_blocks(story), [f.read_more_para(rng)], rng)
    return f"""<!DOCTYPE html><html lang="en-GB">{head(story, site, meta, rng)}
<body class="post-template-default single single-post"><div id="page" class="site">
{f.cookie_banner("id")}<header id="masthead" class="site-header">{f.nav_menu(rng, site)}</header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{rng.randint(100, 9999)}" class="post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{escape(story["title"])}</h1>
<div class="entry-meta"><span class="posted-on"><a href="{url}" rel="bookmark"><time class="entry-date published"
datetime="{story["published"]}">{dt:%B} {dt.day}, {dt:%Y}</time></a></span> <span class="byline"> by {authors}</span>
</div></header>
<div class="entry-content">{body}
{f.share_bar("wordpress")}
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
<ul>{f.link_list(rng, 3, "/news")}</ul></div>
</div><footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/x/">{story["section"]}</a>
</span></footer></article>
{f.comments(rng, "wordpress")}</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">
Recent Posts</h2><ul>{f.link_list(rng, 5, "/news")}</ul></section>{f.live_news(rng, "class")}</aside></div>
{f.footer(rng, site)}</div></body></html>"""


def newscms(story: Story, rng: random.Random) -> str:
    site, host = "Northern Ledger", "northernledger.example"
    url, img, dt = url_for(host, story), image_for(host, story), when(story)
    meta = f'<link rel="canonical" href="{url}">{json_ld(story, url, img, site)}'
    inserts = [f.read_more_para(rng), f.newsletter_box("inbox"), f.read_more_para(rng)]
    body = with_inserts(story_blocks(story), inserts, rng)
    return f"""<!DOCTYPE html><html lang="en">{head(story, site, meta, rng)}
<body><div class="app">{f.cookie_banner("dialog")}
<header data-component="masthead">{f.nav_menu(rng, site)}</header>
<main id="main-content"><div class="grid"><div class="col-main">
<article data-component="article"><div data-component="headline"><h1>{escape(story["title"])}</h1></div>
<div data-component="byline"><p>By {escape(byline_text(story["authors"]))}</p>
<p class="timestamp">{dt.day} {dt:%B %Y}</p></div>
{f.share_bar("aria")}
<figure><img src="/media/{story["id"]}/lead.jpg" alt="A view of the scene"><figcaption>The scene on the day.
Photograph: Staff</figcaption></figure>
<div data-component="text-block" class="article-body">{body}</div>
{f.related(rng, "More on this story", "story-more")}
</article></div>
<div class="col-side">{f.live_news(rng, "box")}<div class="most-read"><h3>Most read</h3><ol>
{f.link_list(rng, 10, "/news")}</ol></div></div></div></main>
{f.footer(rng, site)}</div></body></html>"""


def blog(story: Story, rng: random.Random) -> str:
    site = "Notes from the Valley"
    dt = when(story)
    body = "\n".join(story_blocks(story))
    return f"""<!DOCTYPE html><html>{head(story, site, "", rng)}
<body><div class="wrapper"><div class="header"><h2 class="blog-title"><a href="/">{site}</a></h2>
<ul class="pages"><li><a href="/">Home</a></li><li><a href="/about">About</a></li><li><a href="/archive">Archive</a>
</li></ul></div>
<div class="main"><div class="post"><h1>{escape(story["title"])}</h1>
<p class="post-meta">Posted on {dt:%B} {dt.day}, {dt:%Y} by {escape(byline_text(story["authors"]))}</p>
<div class="post-body">{body}</div>
<p class="tags">Tags: <a href="/tag/a">{story["section"].lower()}</a>, <a href="/tag/b">news</a></p>
</div>
<div id="disqus_thread">{f.comments(rng, "plain")}</div></div>
<div class="sidebar"><h3>Archive</h3><ul>{f.link_list(rng, 8, "/archive")}</ul>
{f.newsletter_box("cta")}</div>
<div class="footer">Powered by a static site generator.</div></div></body></html>"""


def amp(story: Story, rng: random.Random) -> str:
    site, host = "Coastline Today", "coastlinetoday.example"
    url, img, dt = url_for(host, story), image_for(host, story), when(story)
    meta = (
        f'<link rel="canonical" href="{url}">{json_ld(story, url, img, site)}'
        '<script async src="https://cdn.ampproject.invalid/v0.js"></script>'
    )
    amp_share = "".join(
        f'<amp-social-share type="{n}" width="40" height="40"></amp-social-share>' for n in "abc"
    )
    body = with_inserts(story_blocks(story), ['<amp-ad width="300" height="250" type="x"></amp-ad>'], rng)
    return f"""<!doctype html><html amp lang="en">{head(story, site, meta, rng)}
<body><amp-consent id="consent" layout="nodisplay"><div class="consent-ui">{f.cookie_banner("plain")}</div>
</amp-consent><amp-sidebar id="sidebar" layout="nodisplay">{f.nav_menu(rng, site)}</amp-sidebar>
<header class="amp-header"><a href="/">{site}</a></header>
<article class="amp-article"><h1 class="amp-title">{escape(story["title"])}</h1>
<div class="amp-byline">By <span class="author">{escape(byline_text(story["authors"]))}</span> ·
<time datetime="{story["published"]}">{dt:%d.%m.%Y}</time></div>
<amp-img src="{img}" width="1200" height="675" layout="responsive" alt="Lead picture"></amp-img>
<div class="amp-body">{body}</div><div class="amp-share">{amp_share}</div>
{f.related(rng, "Read More", "amp-related")}</article>
{f.footer(rng, site)}</body></html>"""


def magazine(story: Story, rng: random.Random) -> str:
    site, host = "Weekly Lantern", "weeklylantern.example"
    url, img = url_for(host, story), image_for(host, story)
    meta = (
        f'<meta property="og:title" content="{escape(story["title"])}">'
        f'<meta property="og:url" content="{url}"><meta property="og:image" content="{img}">'
        f'<meta property="og:site_name" content="{site}"><meta property="og:description" '
        f'content="{escape(story["paragraphs"][0][:150])}">'
        f'<meta name="author" content="{escape(", ".join(story["authors"]))}">'
        f'<meta property="article:published_time" content="{story["published"]}">'
    )
    inserts = [f.hidden_spam(rng), f.newsletter_box("promo")]
    body = with_inserts(story_blocks(story), inserts, rng)
    bio = escape(story["authors"][0])
    return f"""<!DOCTYPE html><html lang="en">{head(story, site, meta, rng)}
<body><div class="container">{f.cookie_banner("plain")}<div class="row top">{f.nav_menu(rng, site)}</div>
<div class="row"><div class="col-8"><div class="kicker">{story["section"]}</div>
<h1 class="headline">{escape(story["title"])}</h1>
<div class="story-text">{body}</div>
<div class="author-bio"><p>{bio} writes about {story["section"].lower()} for the Lantern and lives by the sea.</p>
</div>{f.share_bar("plain")}</div>
<div class="col-4"><div class="trending"><h3>Trending</h3><ul>{f.link_list(rng, 6, "/news")}</ul></div>
{f.live_news(rng, "box")}</div></div>{f.footer(rng, site)}</div></body></html>"""


# ---- held-out templates: written before tuning, never tuned against ---------


def drupal(story: Story, rng: random.Random) -> str:
    site = "Valley Gazette"
    dt = when(story)
    authors = ", ".join(
        f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{escape(a)}'
        "</span></span>"
        for a in story["authors"]
    )
    body = "\n".join(story_blocks(story))
    return f"""<!DOCTYPE html><html lang="en" dir="ltr">{head(story, site, "", rng)}
<body class="html not-front page-node node-type-article"><div id="sliding-popup"><div class="eu-cookie-compliance-banner">
<p>This website uses cookies to give you the best experience. By continuing you agree to this.</p>
<button class="agree-button">OK, I agree</button></div></div>
<div id="page"><div id="header"><div class="region region-header">{f.nav_menu(rng, site)}</div></div>
<div id="main"><div class="region region-content"><div class="node node-article" itemscope
itemtype="https://schema.org/NewsArticle"><h1 class="title" itemprop="headline">{escape(story["title"])}</h1>
<div class="submitted">Submitted by {authors} on <span itemprop="datePublished" content="{story["published"]}">
{dt:%a, %d/%m/%Y - %H:%M}</span></div>
<div class="field field-name-body"><div class="field-items"><div class="field-item even" itemprop="articleBody">
{body}</div></div></div>
<div class="field field-name-field-tags"><div class="field-label">Tags:&nbsp;</div><a href="/t/1">local</a></div>
<ul class="links inline"><li><a href="/read-more">Read More: {escape(f.headline(rng))}</a></li></ul>
</div><div id="comments" class="comment-wrapper"><h2 class="title">Comments</h2>{f.comments(rng, "plain")}</div></div>
<div class="region region-sidebar-second"><div class="block block-views"><h2>Live News</h2><div class="content"><ul>
{f.link_list(rng, 7, "/live")}</ul></div></div><div class="block block-simplenews"><h2>Newsletter</h2>
<p>Subscribe to our newsletter for a weekly round-up.</p><form><input><input type="submit" value="Subscribe"></form>
</div></div></div>{f.footer(rng, site)}</div></body></html>"""


def ghost(story: Story, rng: random.Random) -> str:
    site, host = "Slow Tide Journal", "slowtide.example"
    url, img, dt = url_for(host, story), image_for(host, story), when(story)
    meta = (
        f'<link rel="canonical" href="{url}"><meta property="og:site_name" content="{site}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(story["title"])}">'
        f'<meta property="og:image" content="{img}">{json_ld(story, url, img, site)}'
    )
    cta = (
        '<div class="kg-card kg-signup-card"><h2 class="kg-signup-card-heading">Sign up for more like this</h2>'
        '<p class="kg-signup-card-subheading">Stories from the coast, once a week.</p>'
        '<form data-members-form><input type="email"><button>Subscribe</button></form></div>'
    )
    body = with_inserts(story_blocks(story), [cta], rng)
    cards = "".join(
        f'<article class="post-card"><a href="/p/{i}"><h3 class="post-card-title">{escape(f.headline(rng))}</h3>'
        f"<p>{escape(rng.choice(f.COMMENT_LINES))}</p></a></article>"
        for i in range(3)
    )
    author_links = ", ".join(f'<a href="/author/{f.slug(a)}/">{escape(a)}</a>' for a in story["authors"])
    return f"""<!DOCTYPE html><html lang="en">{head(story, site, meta, rng)}
<body class="post-template"><div class="viewport"><header id="gh-head" class="gh-head">{f.nav_menu(rng, site)}
</header><main id="site-main" class="site-main"><article class="article post">
<header class="article-header gh-canvas"><h1 class="article-title">{escape(story["title"])}</h1>
<div class="article-byline"><div class="article-byline-meta"><h4 class="author-name">{author_links}</h4>
<div class="byline-meta-content"><time class="byline-meta-date" datetime="{dt:%Y-%m-%d}">{dt.day} {dt:%b %Y}</time>
</div></div></div></header>
<section class="gh-content gh-canvas">{body}</section></article></main>
<aside class="read-more-wrap"><div class="read-more inner"><h2>Read next</h2>{cards}</div></aside>
<footer class="site-footer outer"><div class="inner"><section class="footer-cta"><h3>Subscribe to {site}</h3>
<p>Don't miss out on the latest issues.</p></section>{f.footer(rng, site)}</div></footer></div></body></html>"""


Template = Callable[[Story, random.Random], str]
TUNING: dict[str, Template] = {
    "wordpress": wordpress,
    "newscms": newscms,
    "blog": blog,
    "amp": amp,
    "magazine": magazine,
}
HELD_OUT: dict[str, Template] = {"drupal": drupal, "ghost": ghost}
ALL: dict[str, Template] = {**TUNING, **HELD_OUT}
