"""The HTML allowlist: every payload below must come out harmless, and good markup must survive.

The payloads are our own, one or more for each filter-evasion class in OWASP's XSS cheat sheet:
script injection, event handlers, dangerous URL schemes and their encodings, embedded documents,
forms, styles, parser confusion (broken tags, comments, CDATA, namespaces) and attribute breakouts.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from lxml import html as lxml_html

from newsdesk.ingest.stages.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    html_to_text,
    sanitize_html,
)

PAYLOADS = [
    # plain and disguised script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    "<script/xss src=//evil.example/x.js></script>",
    "<script\x00>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>",
    "<!--<script>-->alert(1)<!--</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="alert(1)" />',
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<p onmouseover=alert(1)>hover</p>",
    "<a href=/ onclick=alert(1)>x</a>",
    "<div onpointerenter=alert(1)>x</div>",
    "<xss onclick=alert(1)>x</xss>",
    # dangerous schemes and their encodings
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
    '&#0000058alert(1)">x</a>',
    "<a href=javascript&colon;alert(1)>x</a>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="livescript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img src="javascript:alert(1)">',
    '<img dynsrc="javascript:alert(1)">',
    '<img lowsrc="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    # embedded documents and plugins
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="https://evil.example/x.swf">',
    '<applet code="Evil.class"></applet>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<bgsound src="javascript:alert(1)">',
    '<layer src="https://evil.example/"></layer>',
    # forms
    '<form action="https://evil.example/"><input name=password></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<isindex action="javascript:alert(1)" type=submit>',
    # styles
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<span style="behavior: url(x.htc)">x</span>',
    # attribute breakouts and odd quoting
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="/ok" title=""><script>alert(1)</script>">x</a>',
    "<img src=`x` onerror=`alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<a href='//evil.example/' target=_blank>x</a>",
    '<div id=x class=y data-x="javascript:alert(1)">x</div>',
    '<a href="https://ok.example/" onmouseover="alert(1)" style="color:red">ok</a>',
]

URL_ATTRIBUTES = {"href", "src"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def assert_harmless(output: str) -> None:
    assert "<script" not in output.lower()
    root = lxml_html.fragment_fromstring(output or "<p></p>", create_parent="div")
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        assert element.tag in ALLOWED_TAGS, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name in ALLOWED_ATTRIBUTES.get(element.tag, set()) or (
                element.tag == "a" and name == "rel"
            )
            if name in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\x00-\x20]", "", unescape(value)).lower()
                scheme = cleaned.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", cleaned) else None
                assert scheme is None or scheme in SAFE_SCHEMES, value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload: str) -> None:
    assert_harmless(sanitize_html(payload))
    assert_harmless(sanitize_html(payload, "https://news.example/story/1"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_leaves_no_script_text_in_plain_text(payload: str) -> None:
    text = html_to_text(payload)
    assert "<script" not in text.lower()
    assert "@import" not in text


def test_the_payload_list_is_long() -> None:
    assert len(PAYLOADS) >= 70


def test_allowed_markup_survives() -> None:
    html = (
        "<h2>Sub</h2><p>A <em>very</em> <strong>good</strong> <a href='https://x.example/a'>link</a>.</p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
        "<figure><img src='https://x.example/i.jpg' alt='a view'><figcaption>Caption</figcaption></figure>"
        "<pre><code>x = 1</code></pre><p>line<br>break</p>"
    )
    out = sanitize_html(html)
    for fragment in (
        "<h2>Sub</h2>",
        "<em>very</em>",
        "<strong>good</strong>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>quote</p></blockquote>",
        'alt="a view"',
        "<figcaption>Caption</figcaption>",
        "<pre><code>x = 1</code></pre>",
        "<br>",
    ):
        assert fragment in out  # fmt: skip


def test_links_get_rel_nofollow_noopener_noreferrer() -> None:
    out = sanitize_html('<a href="https://x.example/" rel="author">x</a>')
    assert 'rel="nofollow noopener noreferrer"' in out
    assert "author" not in out


def test_relative_urls_become_absolute_given_a_base() -> None:
    out = sanitize_html('<a href="../b/c">x</a><img src="/i.png">', "https://news.example/a/story/")
    assert 'href="https://news.example/a/b/c"' in out
    assert 'src="https://news.example/i.png"' in out


def test_relative_urls_pass_through_without_a_base() -> None:
    assert 'href="/a"' in sanitize_html('<a href="/a">x</a>')


def test_a_bad_base_is_ignored_not_used() -> None:
    out = sanitize_html('<a href="/a">x</a>', "javascript:alert(1)")
    assert 'href="/a"' in out


def test_scripts_styles_and_forms_are_dropped_with_their_content() -> None:
    out = sanitize_html("<p>keep</p><script>var a=1</script><style>p{}</style><form><p>login</p></form>")
    assert out == "<p>keep</p>"


def test_html_to_text_separates_paragraphs_with_one_blank_line() -> None:
    html = "<p>One <b>two</b></p><p>Three<br>four</p><ul><li>a</li><li>b</li></ul><div>tail</div>"
    assert html_to_text(html) == "One two\n\nThree\nfour\n\na\n\nb\n\ntail"


def test_html_to_text_collapses_spaces_and_decodes_entities() -> None:
    assert html_to_text("<p>  fish &amp;\n   chips&nbsp;&nbsp;today </p>") == "fish & chips today"


def test_html_to_text_of_nothing_is_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<script>x</script>") == ""


def test_html_to_text_puts_each_table_row_on_its_own_line() -> None:
    html = "<table><tr><th>Town</th><th>Rain</th></tr><tr><td>Hull</td><td>12 mm</td></tr></table>"
    assert html_to_text(html) == "Town Rain\n\nHull 12 mm"


def test_html_to_text_keeps_line_breaks_inside_pre() -> None:
    assert html_to_text("<p>Code:</p><pre>a = 1\nb = 2</pre>") == "Code:\n\na = 1\nb = 2"
