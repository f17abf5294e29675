"""Every table of every page sits in its own scrolling, focusable, named region (issue #13).

At 320 px (400% zoom) a wide table scrolls inside the region instead of making the whole page
scroll sideways (WCAG 1.4.10), and keyboard users can reach and scroll it (the region is
focusable and named: by the table's caption, or by its own label). The browser suite measures
the pages themselves (tests/browser/test_reflow.py); this finds a table added without its
region before any page is drawn.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Django's admin templates that the project overrides are the admin's own layout.
TEMPLATES = sorted(
    path for path in (ROOT / "templates").rglob("*.html") if "admin" not in path.parts
)
REGION = re.compile(
    r'<div class="[^"]*\bapp-table-scroll\b[^"]*" role="region" '
    r'(?:aria-labelledby="(?P<label>[^"]+)"|aria-label="(?P<name>[^"]*\w[^"]*)") tabindex="0">'
    r'\s*<table\b[^>]*>\s*(?:<caption id="(?P<caption>[^"]+)")?'
)


def tables_without_region(text: str) -> list[str]:
    """The opening tags of tables not wrapped as REGION describes: named by ``aria-label``, or
    by ``aria-labelledby`` the id of the table's own caption."""
    missing = []
    for table in re.finditer(r"<table\b[^>]*>", text):
        before = text.rfind("<div", 0, table.start())
        match = REGION.match(text, before) if before >= 0 else None
        named = match and (match["name"] or (match["label"] and match["label"] == match["caption"]))
        if not (named and match.end() >= table.end()):
            missing.append(table[0])
    return missing


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_scrolls_in_a_focusable_region_named_by_its_caption(path):
    assert tables_without_region(path.read_text()) == []


def test_the_check_finds_a_bare_table_and_a_region_without_a_name():
    bare = '<table class="govuk-table"><caption id="c">Councils</caption></table>'
    assert tables_without_region(bare) == ['<table class="govuk-table">']
    unnamed = f'<div class="app-table-scroll">{bare}</div>'
    assert tables_without_region(unnamed) == ['<table class="govuk-table">']
    wrong_label = (
        f'<div class="app-table-scroll" role="region" aria-labelledby="x" tabindex="0">{bare}</div>'
    )
    assert tables_without_region(wrong_label) == ['<table class="govuk-table">']
    good = (
        f'<div class="app-table-scroll" role="region" aria-labelledby="c" tabindex="0">{bare}</div>'
    )
    assert tables_without_region(good) == []
    by_name = (
        '<div class="app-table-scroll" role="region" aria-label="Councils (scrolls)" tabindex="0">'
        f"{bare}</div>"
    )
    assert tables_without_region(by_name) == []
    empty_name = by_name.replace("Councils (scrolls)", " ")
    assert tables_without_region(empty_name) == ['<table class="govuk-table">']
