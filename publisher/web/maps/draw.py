"""Writing a map as SVG: one <path> per municipality inside an <a href> with its <title>
(so each is a link a keyboard reaches and a pointer names), the regions' borders as one
path above them, and what a map adds on top (lines and points). Small on purpose: whole
units, relative path data, presentation attributes once on the group."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from publisher.web.maps.borders import Borders
from publisher.web.maps.palette import BORDER_COLOUR, NONE_COLOUR, REGION_COLOUR


@dataclass(frozen=True)
class Line:
    """A line between two points (a collaboration), drawn ``width`` units wide."""

    start: tuple[int, int]
    end: tuple[int, int]
    width: float
    colour: str
    title: str


@dataclass(frozen=True)
class Dot:
    """A point (a municipality in a network) with its link and title."""

    centre: tuple[int, int]
    radius: float
    colour: str
    href: str
    title: str


def svg(borders: Borders, *, map_id: str, label: str, fills: Mapping[str, str],
        titles: Mapping[str, str], hrefs: Mapping[str, str], on_top: Sequence[str] = (),
        lines: Sequence[Line] = (), thin_lines: str = "", thin_colour: str = "",
        dots: Sequence[Dot] = ()) -> Markup:
    """The map: municipalities filled by ``fills`` (neutral when absent); ``on_top`` drawn
    last with a dark outline (the municipality a page is about); ``thin_lines`` path data
    of lines without titles."""
    frame = borders.frame
    if frame is None:
        return Markup("")
    order = [iri for iri in borders.areas if iri not in on_top]
    order += [iri for iri in on_top if iri in borders.areas]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{escape(map_id)}" '
             f'viewBox="0 0 {frame.width} {frame.height}" role="group" '
             f'aria-labelledby="{escape(map_id)}-title">'
             f'<title id="{escape(map_id)}-title">{escape(label)}</title>'
             # a municipality a pointer or the keyboard is on stands out (:focus-visible too)
             f'<style>a:focus path,a:hover path{{stroke:{REGION_COLOUR};stroke-width:3}}'
             f'a:focus{{outline:none}}</style>'
             f'<g class="municipalities" stroke="{BORDER_COLOUR}" stroke-width="1" '
             f'stroke-linejoin="round">']
    for iri in order:
        area = borders.areas[iri]
        outline = (f' stroke="{REGION_COLOUR}" stroke-width="3" class="selected"'
                   if iri in on_top else "")
        parts.append(f'<a href="{escape(hrefs.get(iri, ""))}" data-code="{escape(area.code)}">'
                     f'<title>{escape(titles.get(iri, area.code))}</title>'
                     f'<path d="{area.path}" fill="{fills.get(iri, NONE_COLOUR)}"{outline}/></a>')
    parts.append("</g>")
    if borders.region_path:
        parts.append(f'<path class="regions" d="{borders.region_path}" fill="none" '
                     f'stroke="{REGION_COLOUR}" stroke-width="1.5" pointer-events="none"/>')
    if thin_lines:
        parts.append(f'<path class="single-links" d="{thin_lines}" fill="none" '
                     f'stroke="{thin_colour}" stroke-width="1" pointer-events="none"/>')
    if lines:
        parts.append('<g class="links" stroke-linecap="round">')
        for line in lines:
            parts.append(f'<line x1="{line.start[0]}" y1="{line.start[1]}" x2="{line.end[0]}" '
                         f'y2="{line.end[1]}" stroke="{line.colour}" '
                         f'stroke-width="{line.width:g}"><title>{escape(line.title)}</title>'
                         '</line>')
        parts.append("</g>")
    if dots:
        parts.append(f'<g class="points" stroke="{BORDER_COLOUR}" stroke-width="1.5">')
        for dot in dots:
            parts.append(f'<a href="{escape(dot.href)}"><title>{escape(dot.title)}</title>'
                         f'<circle cx="{dot.centre[0]}" cy="{dot.centre[1]}" '
                         f'r="{dot.radius:g}" fill="{dot.colour}"/></a>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
