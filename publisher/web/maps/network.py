"""The collaboration view's layout: municipalities as points at their centroids, each pair
that shares projects as a line whose width and colour grow with the projects shared, the
heaviest drawn last (on top) so the densest networks stand out; pairs sharing a single
project as one thin, light path (about 1 500 of them: titles for each would triple the
page)."""
from __future__ import annotations

from dataclasses import dataclass

from publisher.web.maps.borders import Borders
from publisher.web.maps.draw import Dot, Line
from publisher.web.maps.palette import COLOURS, class_of

#: Line width in viewBox units per project shared (a 1000-unit-high map).
WIDTH_PER_PROJECT = 1.6
SINGLE_COLOUR = COLOURS[0]


@dataclass(frozen=True)
class Layout:
    lines: list[Line]
    singles_path: str
    dots: list[Dot]


def layout(borders: Borders, pairs: dict[tuple[str, str], int], totals: dict[str, int],
           titles: dict[tuple[str, str], str], dot_titles: dict[str, str],
           hrefs: dict[str, str]) -> Layout:
    """Lines for the pairs (``titles`` by pair), dots sized by each municipality's projects."""
    areas = borders.areas
    drawn = [(pair, n) for pair, n in pairs.items() if pair[0] in areas and pair[1] in areas]
    singles = "".join(f"M{areas[a].centre[0]} {areas[a].centre[1]}"
                      f"L{areas[b].centre[0]} {areas[b].centre[1]}"
                      for (a, b), n in sorted(drawn) if n == 1)
    lines = [Line(areas[a].centre, areas[b].centre, WIDTH_PER_PROJECT * n,
                  COLOURS[min(len(COLOURS), class_of(n) + 1) - 1], titles.get((a, b), ""))
             for (a, b), n in sorted(drawn, key=lambda item: (item[1], item[0])) if n > 1]
    dots = [Dot(areas[m].centre, 3 + 1.2 * n ** 0.5 * 2, COLOURS[-1], hrefs.get(m, ""),
                dot_titles.get(m, ""))
            # the biggest first, so that a small one is never hidden under a big one
            for m, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
            if m in areas and n > 0]
    return Layout(lines, singles, dots)
