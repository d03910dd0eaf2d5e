"""Lead illustrations and logos for the demo, drawn as SVG so no image leaves the machine.

Each story names a motif (tram, ship, turbine, ...). The picture is that motif over a sky and
sea whose colours come from the outlet and a hash of the story's slug, so stories look distinct
and every image is the same on every run (which keeps ETags stable).
"""

from __future__ import annotations

import hashlib
from functools import cache

from newsdesk_demo.content import Outlet, Story
from newsdesk_demo.render import esc

WIDTH, HEIGHT = 1200, 675
SKIES = (("#dbeafe", "#93c5fd"), ("#fef3c7", "#fdba74"), ("#e0e7ff", "#a5b4fc"), ("#dcfce7", "#86efac"),
         ("#f1f5f9", "#cbd5e1"), ("#fce7f3", "#f9a8d4"))  # fmt: skip


def _each(shape: str, values: tuple[int | tuple[int, ...], ...]) -> tuple[str, ...]:
    """One shape repeated: `shape` holds {v} (or {v[0]}, {v[1]}, ...) for each value."""
    return tuple(_fill(shape, v) for v in values)


def _fill(shape: str, value: int | tuple[int, ...]) -> str:
    if isinstance(value, int):
        return shape.replace("{v}", str(value))
    for k, part in enumerate(value):
        shape = shape.replace(f"{{v[{k}]}}", str(part))
    return shape


# Shapes use {i} ink, {a} accent and {p} paper, filled in per outlet.
MOTIFS: dict[str, tuple[str, ...]] = {
    "tram": (
        '<line x1="300" y1="170" x2="900" y2="170" stroke="{i}" stroke-width="4"/>',
        '<line x1="600" y1="250" x2="560" y2="170" stroke="{i}" stroke-width="8"/>',
        '<rect x="380" y="250" width="440" height="190" rx="28" fill="{a}"/>',
        *_each('<rect x="{v}" y="280" width="80" height="70" rx="8" fill="{p}"/>', (410, 510, 610, 710)),
        *_each('<circle cx="{v}" cy="450" r="26" fill="{i}"/>', (460, 740)),
    ),
    "bus": (
        '<rect x="330" y="260" width="540" height="180" rx="24" fill="{a}"/>',
        *_each('<rect x="{v}" y="280" width="80" height="70" rx="8" fill="{p}"/>', (370, 470, 570, 670)),
        '<rect x="790" y="290" width="50" height="140" fill="{p}"/>',
        *_each('<circle cx="{v}" cy="445" r="30" fill="{i}"/>', (420, 780)),
    ),
    "ship": (
        '<polygon points="340,400 860,400 800,480 400,480" fill="{i}"/>',
        '<rect x="470" y="320" width="240" height="80" fill="{a}"/>',
        '<rect x="640" y="250" width="40" height="70" fill="{i}"/>',
    ),
    "hall": (
        '<polygon points="420,270 600,180 780,270" fill="{a}"/>',
        *_each('<rect x="{v}" y="270" width="36" height="170" fill="{p}"/>', (440, 510, 580, 650, 720)),
        '<rect x="410" y="440" width="380" height="30" fill="{i}"/>',
    ),
    "ball": (
        '<rect x="360" y="200" width="480" height="10" fill="{p}"/>',
        *_each('<rect x="{v}" y="200" width="10" height="280" fill="{p}"/>', (360, 830)),
        '<circle cx="600" cy="400" r="80" fill="{p}" stroke="{i}" stroke-width="6"/>',
        '<polygon points="600,365 633,389 620,428 580,428 567,389" fill="{i}"/>',
    ),
    "trophy": (
        '<path d="M520 200 h160 v80 a80 80 0 0 1 -160 0 z" fill="{a}"/>',
        '<rect x="585" y="355" width="30" height="60" fill="{a}"/>',
        '<rect x="530" y="415" width="140" height="40" fill="{i}"/>',
    ),
    "flask": (
        '<path d="M560 190 h80 v100 l90 160 a20 20 0 0 1 -18 30 h-224 a20 20 0 0 1 -18 -30 l90 -160 z" '
        'fill="{p}" stroke="{i}" stroke-width="8"/>',
        '<path d="M510 400 h180 l32 50 h-244 z" fill="{a}"/>',
    ),
    "chart": (
        '<polyline points="360,200 360,480 860,480" stroke="{i}" stroke-width="8" fill="none"/>',
        *_each(
            '<rect x="{v[0]}" y="{v[1]}" width="60" height="{v[2]}" fill="{a}"/>',
            ((400, 400, 80), (500, 350, 130), (600, 380, 100), (700, 290, 190), (790, 240, 240)),
        ),
        '<polyline points="400,380 530,320 630,340 730,260 830,210" '
        'stroke="{i}" stroke-width="6" fill="none"/>',
    ),
    "cloud": (
        *_each('<circle cx="{v[0]}" cy="{v[1]}" r="{v[2]}" fill="{p}"/>', ((540, 300, 80), (640, 270, 100))),
        '<circle cx="730" cy="320" r="70" fill="{p}"/>',
        '<rect x="470" y="320" width="320" height="70" fill="{p}"/>',
        *_each(
            '<line x1="{v}" y1="420" x2="{v}" y2="480" stroke="{a}" stroke-width="8"/>', (510, 570, 630, 690)
        ),
    ),
    "snow": _each(
        '<line x1="600" y1="340" x2="{v[0]}" y2="{v[1]}" stroke="{p}" stroke-width="14"/>',
        ((600, 190), (600, 490), (470, 265), (730, 415), (470, 415), (730, 265)),
    ),
    "leaf": (
        '<path d="M600 180 C 780 230 780 430 600 500 C 420 430 420 230 600 180 Z" fill="{a}"/>',
        '<line x1="600" y1="200" x2="600" y2="520" stroke="{i}" stroke-width="6"/>',
    ),
    "bird": _each(
        '<path d="M{v[0]} {v[1]} q 40 -40 80 0 q 40 -40 80 0" stroke="{i}" stroke-width="8" fill="none"/>',
        ((380, 260), (560, 200), (700, 300)),
    ),
    "heart": (
        '<path d="M600 470 C 420 360 440 220 540 220 C 580 220 600 250 600 270 '
        'C 600 250 620 220 660 220 C 760 220 780 360 600 470 Z" fill="{a}"/>',
        '<rect x="585" y="280" width="30" height="110" fill="{p}"/>',
        '<rect x="545" y="320" width="110" height="30" fill="{p}"/>',
    ),
    "chip": (
        *_each('<rect x="{v}" y="190" width="14" height="320" fill="{i}"/>', (510, 560, 610, 660)),
        '<rect x="470" y="220" width="260" height="260" rx="16" fill="{i}"/>',
        '<rect x="530" y="280" width="140" height="140" fill="{a}"/>',
    ),
    "film": (
        '<rect x="300" y="250" width="600" height="200" fill="{i}"/>',
        *_each('<rect x="{v}" y="290" width="120" height="120" fill="{a}"/>', (330, 480, 630, 780)),
        *_each('<rect x="{v}" y="260" width="16" height="14" fill="{p}"/>', tuple(range(320, 890, 40))),
    ),
    "turbine": (
        '<polygon points="590,300 610,300 625,520 575,520" fill="{p}"/>',
        *_each(
            '<rect x="592" y="130" width="16" height="160" rx="8" fill="{p}" '
            'transform="rotate({v} 600 290)"/>',
            (0, 120, 240),
        ),
        '<circle cx="600" cy="290" r="16" fill="{i}"/>',
    ),
    "telescope": (
        *_each('<circle cx="{v[0]}" cy="{v[1]}" r="5" fill="{p}"/>', ((320, 120), (880, 90), (980, 200))),
        '<rect x="460" y="260" width="300" height="60" rx="20" fill="{a}" transform="rotate(-25 600 300)"/>',
        '<polyline points="540,480 600,320 660,480" stroke="{i}" stroke-width="10" fill="none"/>',
    ),
    "book": (
        '<polygon points="600,260 420,220 420,450 600,490" fill="{p}" stroke="{i}" stroke-width="6"/>',
        '<polygon points="600,260 780,220 780,450 600,490" fill="{a}" stroke="{i}" stroke-width="6"/>',
    ),
    "market": (
        '<rect x="400" y="320" width="400" height="160" fill="{p}"/>',
        *_each('<rect x="{v}" y="240" width="80" height="80" fill="{a}"/>', (400, 560, 720)),
        *_each('<rect x="{v}" y="240" width="80" height="80" fill="{i}"/>', (480, 640)),
    ),
    "wave": _each(
        '<path d="M300 {v} q 75 -50 150 0 t 150 0 t 150 0 t 150 0" '
        'stroke="{p}" stroke-width="14" fill="none"/>',
        (300, 370, 440),
    ),
    "slot": (
        '<rect x="420" y="200" width="360" height="300" rx="20" fill="{a}"/>',
        *_each('<rect x="{v}" y="280" width="90" height="120" fill="{p}"/>', (450, 555, 660)),
        *_each(
            '<text x="{v}" y="370" font-size="90" text-anchor="middle" font-family="sans-serif" '
            'fill="{i}">7</text>',
            (495, 600, 705),
        ),
        '<line x1="800" y1="250" x2="840" y2="200" stroke="{i}" stroke-width="10"/>',
    ),
}


def story_svg(motif: str, seed: str, colours: tuple[str, str, str], title: str) -> str:
    """A 16:9 illustration: sky, sun, sea and the story's motif."""
    ink, accent, paper = colours
    digest = hashlib.sha256(seed.encode()).digest()
    top, bottom = SKIES[digest[0] % len(SKIES)]
    sun_x = 150 + digest[1] * 3
    shapes = MOTIFS.get(motif, MOTIFS["wave"])
    body = "".join(shapes).replace("{i}", ink).replace("{a}", accent).replace("{p}", paper)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img"><title>{esc(title)}</title>'
        f'<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/>'
        f'<stop offset="1" stop-color="{bottom}"/></linearGradient></defs>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#sky)"/>'
        f'<circle cx="{sun_x}" cy="120" r="56" fill="#fde68a" opacity="0.9"/>'
        f'<path d="M0 520 Q 300 480 600 520 T 1200 520 V {HEIGHT} H 0 Z" fill="{ink}" opacity="0.85"/>'
        f"{body}</svg>"
    )


def logo_svg(name: str, colours: tuple[str, str, str]) -> str:
    """The outlet's wordmark."""
    ink, accent, paper = colours
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 80" width="480" height="80" role="img">'
        f"<title>{esc(name)}</title>"
        f'<rect width="480" height="80" rx="10" fill="{paper}"/><rect x="12" y="16" width="48" height="48" '
        f'rx="24" fill="{accent}"/><text x="76" y="52" font-family="Georgia, serif" font-size="28" '
        f'fill="{ink}">{esc(name)}</text></svg>'
    )


@cache
def story_image(outlet: Outlet, story: Story) -> bytes:
    """The story's illustration as served; cached, since it never changes."""
    return story_svg(story.motif, story.key, outlet.colours, story.image_alt).encode("utf-8")


@cache
def logo_image(outlet: Outlet) -> bytes:
    return logo_svg(outlet.name, outlet.colours).encode("utf-8")
