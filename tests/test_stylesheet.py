"""What the stylesheet changes by screen width: the layout, and text only ever larger on a wider
screen. The axe crawl (tests/browser/test_axe_crawl.py) judges colours at phone width only,
which is sound only while a wider screen shows the same colours, the same elements and no
smaller text (axe asks less contrast of large text, so the narrowest screen is the strictest).
"""

import re
from pathlib import Path

import pytest

STYLESHEETS = sorted((Path(__file__).resolve().parents[1] / "mediation/static/css").glob("*.css"))
# What a rule under a width query may set: where things sit and how big they are. Anything
# else (a colour, a background, an element shown or hidden, opacity) would make a width the
# crawl does not judge for colour look different.
LAYOUT = re.compile(
    r"(grid(-template)?(-columns|-rows|-areas)?|gap|(row|column)-gap|margin(-\w+)?"
    r"|padding(-\w+)?|(min-|max-)?(width|height)|line-height|text-align|flex(-\w+)?"
    r"|(justify|align)-(content|items|self)|order|float|font-size)"
)
BLOCK = re.compile(r"@media([^{]*)\{((?:[^{}]*\{[^{}]*\})*)\s*\}")
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    return [(selector.strip(), declarations(body)) for selector, body in RULE.findall(css)]


def rem(size: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(rem|px)", size).groups()
    return float(number) / (16 if unit == "px" else 1)


def without_comments(path: Path) -> str:
    return re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)


def width_queries(path: Path) -> list[tuple[str, list]]:
    """Each width query of the stylesheet: its condition and its rules."""
    return [
        (condition.strip(), rules(body))
        for condition, body in BLOCK.findall(without_comments(path))
        if "width" in condition
    ]


def base_rules(path: Path) -> dict[str, dict[str, str]]:
    """The declarations outside any query, by selector."""
    merged: dict[str, dict[str, str]] = {}
    for selector, found in rules(BLOCK.sub("", without_comments(path))):
        merged.setdefault(selector, {}).update(found)
    return merged


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_a_wider_screen_changes_only_the_layout_and_never_shrinks_text(path):
    queries = width_queries(path)
    assert queries, f"{path.name}: no width query found (has the parser stopped matching?)"
    base = base_rules(path)
    problems = []
    for condition, query_rules in queries:
        wider = "min-width" in condition
        for selector, found in query_rules:
            for name, value in found.items():
                if not LAYOUT.fullmatch(name):
                    problems.append(f"{condition} {selector}: {name} is not layout")
                elif name == "font-size":
                    plain = base.get(selector, {}).get("font-size")
                    if plain is None:
                        problems.append(f"{condition} {selector}: font-size with none outside")
                    elif (rem(value) < rem(plain)) if wider else (rem(value) > rem(plain)):
                        problems.append(f"{condition} {selector}: {plain} → {value}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_colour_or_a_smaller_text_on_a_wide_screen(tmp_path):
    """The parser finds what the test above must refuse (else it would pass on anything)."""
    css = tmp_path / "bad.css"
    css.write_text(
        "h1 { font-size: 1.6rem; }\n"
        "@media (min-width: 40rem) {\n  h1 { font-size: 1.2rem; }\n  a { color: #777; }\n}\n"
    )
    ((condition, found),) = width_queries(css)
    assert condition == "(min-width: 40rem)"
    assert found == [("h1", {"font-size": "1.2rem"}), ("a", {"color": "#777"})]
    assert base_rules(css) == {"h1": {"font-size": "1.6rem"}}
    with pytest.raises(AssertionError, match=r"(?s)1.6rem → 1.2rem.*color is not layout"):
        test_a_wider_screen_changes_only_the_layout_and_never_shrinks_text(css)
