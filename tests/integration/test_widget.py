"""`/widget/<id>` (gym_live/widget.py): how busy a location is, drawn from the live view
for a website's <iframe>; the one page another site may frame, with no member data."""

from __future__ import annotations

import asyncio

import pytest
from starlette.testclient import TestClient

from gym_live import api, widget
from gym_live.domain.checkin import Source
from gym_live.live.hub import LiveHub
from gym_live.security_headers import CONTENT_SECURITY_POLICY, with_security_headers
from gym_live.services import checkin, occupancy
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member


@pytest.fixture
def hub(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> LiveHub:
    gym(deps, capacity=4, name="<script>alert(1)</script> Gym")
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Ben Weber")
    live = LiveHub(deps)
    monkeypatch.setattr(api, "get_hub", lambda: live)
    monkeypatch.setattr(api, "app_deps", lambda: deps)
    monkeypatch.setattr(occupancy, "_usual_by_quarter", {})
    return live


@pytest.fixture
def client() -> TestClient:
    return TestClient(with_security_headers(widget.widget))  # as the app serves it


def test_the_widget_shows_the_level_of_now_as_text_and_no_member(
    client: TestClient, deps: Deps, hub: LiveHub
) -> None:
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    checkin.scan("10000002", source=Source.KIOSK, deps=deps)
    asyncio.run(hub.refresh())
    answer = client.get("/widget/1")
    assert answer.status_code == 200
    page = answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gym" in page and "<script>alert" not in page
    assert "data-level='moderate'" in page and ">Moderate<" in page  # 2 of 4: 50 %
    assert "2 of 4 inside" in page and "Usually at this time: Quiet" in page
    assert "Anna" not in page and "Ben" not in page
    assert f"<script src='{widget.SCRIPT}'></script>" in page


def test_other_sites_may_frame_the_widget_and_nothing_else(
    client: TestClient, hub: LiveHub
) -> None:
    asyncio.run(hub.refresh())
    framed = client.get("/widget/1").headers
    assert framed["content-security-policy"] == widget.WIDGET_POLICY
    assert "frame-ancestors *" in widget.WIDGET_POLICY and "x-frame-options" not in framed
    assert (
        "script-src 'self'" in widget.WIDGET_POLICY
        and "connect-src 'self'" in framed["content-security-policy"]
    )
    script = client.get(widget.SCRIPT)
    assert script.headers["content-type"].startswith("text/javascript")
    assert "textContent" in script.text and "innerHTML" not in script.text  # text, never HTML
    elsewhere = client.get("/widget/not-a-number").headers  # Starlette's 404: not the widget
    assert elsewhere["x-frame-options"] == "DENY"
    assert elsewhere["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_an_unknown_location_is_404_and_a_loading_instance_503(
    client: TestClient, hub: LiveHub
) -> None:
    assert client.get("/widget/1").status_code == 503  # the live views are not loaded yet
    asyncio.run(hub.refresh())
    missing = client.get("/widget/99")
    assert missing.status_code == 404 and "There is no such location." in missing.text


def test_the_snippet_names_the_location_safely() -> None:
    snippet = widget.embed_snippet("https://gym.example", 3, 'Dock "7" <b>')
    assert snippet == (
        '<iframe src="https://gym.example/widget/3" title="How busy is Dock &quot;7&quot; '
        '&lt;b&gt;" width="320" height="150" style="border:0"></iframe>'
    )
