"""What the browser tests do on a page: sign in, run axe-core, take a screenshot."""

import os
import tempfile
from pathlib import Path

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# The README's screenshots are refreshed only on request (`make screenshots`), so that an
# ordinary test run leaves the work tree clean; otherwise they go to a scratch folder.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("SAVE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "burden-screenshots"
)

# The WCAG 2.2 A and AA rules of axe-core (best-practice rules such as "region" are not WCAG).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page, username: str):
    """Sign in through the sign-in page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {username}").wait_for()


def axe_violations(page) -> list[dict]:
    # Evaluated through the browser's debugging protocol: a <script> tag would be an inline
    # script, which the content security policy refuses, as it should.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html,
                                            summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )
    return result


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} WCAG 2.2 A/AA violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


# The README shows the top of each page; a national page with 153 councils runs to 17,000 px.
SCREENSHOT_MAX_HEIGHT = 2400


def screenshot(page, name: str):
    """The whole page (up to SCREENSHOT_MAX_HEIGHT) into docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], SCREENSHOT_MAX_HEIGHT)}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip, type="png")
