"""The colours of the maps: a sequential, single-hue (blue) scheme computed here in CIE
L*C*h, lightness falling evenly from class to class, so that the order of the classes reads
from lightness alone — which protanopia and deuteranopia keep (tests/web/test_maps.py
simulates both). No project is a neutral near-white, lighter than the first class."""
from __future__ import annotations

import math

#: Upper bounds of the classes of project counts (the last is open): 1, 2, 3–4, 5–9, 10+.
BREAKS = (1, 2, 4, 9)
#: CIE L* of the classes, lightest first; chroma grows as lightness falls.
LIGHTNESS = (86.0, 72.0, 58.0, 44.0, 30.0)
CHROMA = (14.0, 26.0, 36.0, 42.0, 46.0)
HUE = 250.0
NONE_COLOUR = "#f6f6f4"
BORDER_COLOUR = "#ffffff"
REGION_COLOUR = "#3c3c3c"


def _lab_to_hex(lightness: float, a: float, b: float) -> str:
    """CIE L*a*b* (D65) to an sRGB hex colour, clipped into the gamut."""
    fy = (lightness + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def inverse(t: float) -> float:
        return t ** 3 if t ** 3 > 0.008856 else (t - 16 / 116) / 7.787

    x, y, z = 0.95047 * inverse(fx), 1.0 * inverse(fy), 1.08883 * inverse(fz)
    linear = (3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
              -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
              0.0556434 * x - 0.2040259 * y + 1.0572252 * z)

    def encode(c: float) -> int:
        c = min(1.0, max(0.0, c))
        c = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        return round(c * 255)

    return "#" + "".join(f"{encode(c):02x}" for c in linear)


def _scheme() -> tuple[str, ...]:
    hue = math.radians(HUE)
    return tuple(_lab_to_hex(light, chroma * math.cos(hue), chroma * math.sin(hue))
                 for light, chroma in zip(LIGHTNESS, CHROMA))


#: The class colours, lightest first.
COLOURS = _scheme()


def class_of(count: int) -> int:
    """The class of a count: 0 for none, else 1 … len(COLOURS)."""
    if count <= 0:
        return 0
    return next((i + 1 for i, bound in enumerate(BREAKS) if count <= bound), len(COLOURS))


def colour_of(count: int) -> str:
    found = class_of(count)
    return NONE_COLOUR if found == 0 else COLOURS[found - 1]


def class_ranges() -> list[tuple[int, int | None]]:
    """(first, last) of each class; last None for the open one."""
    lows = (1, *(b + 1 for b in BREAKS))
    return [(low, high) for low, high in zip(lows, (*BREAKS, None))]
