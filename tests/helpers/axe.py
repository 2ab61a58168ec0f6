"""axe-core, the accessibility checker, run inside a page (from npm, into .tools by `make`)."""

from __future__ import annotations

from playwright.sync_api import Page

from devtools.servers import PROJECT_ROOT

AXE = PROJECT_ROOT / ".tools/node_modules/axe-core/axe.min.js"
BLOCKING = ("critical", "serious")


def blocking_violations(page: Page) -> list[str]:
    """Each critical or serious violation on the page as it is now, with where it is."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}: "
        f"{v['nodes'][0]['failureSummary']}"
        for v in found
        if v["impact"] in BLOCKING
    ]
