"""An un-enrolled kiosk cannot check anyone in, not even with hand-made Reflex events.

The browser tests only show that the kiosk page offers no way to scan before pairing.
Here a script plays the kiosk tab over Reflex's real socket.io protocol, with no browser:
it hydrates like the compiled frontend, then sends `KioskState.scan` itself.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from gym_live.models import Visit
from tests.helpers.app import AppServer, running_app
from tests.helpers.kiosk_socket import kiosk_tab

pytestmark = pytest.mark.e2e
MEMBER = "10000024"  # active and not inside in the demo
CONTROL_MEMBER = "10000025"  # likewise; the positive control checks this one in


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(tmp_path_factory.mktemp("kiosk_protocol")) as server:
        yield server


@pytest.fixture(scope="module")
def visits(app: AppServer) -> Iterator[Callable[[str], list[sa.Row]]]:
    """The visit rows of a member (by card code), read straight from the app's database."""
    ids = {m["code"]: uuid.UUID(m["id"]) for m in app.cli.json("member", "list")["members"]}
    engine = sa.create_engine(app.cli.env["DATABASE_URL"], poolclass=sa.NullPool)
    columns = (Visit.id, Visit.checked_in_at, Visit.checked_out_at, Visit.source)

    def of(code: str) -> list[sa.Row]:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(*columns).where(Visit.member_id == ids[code])))

    yield of
    engine.dispose()


@pytest.mark.parametrize(
    ("stored_token", "claims_paired"),
    [
        pytest.param(None, False, id="no-token"),
        pytest.param(secrets.token_urlsafe(32), False, id="forged-token"),
        pytest.param(secrets.token_urlsafe(32), True, id="forged-token-and-paired-flag"),
    ],
)
def test_an_unenrolled_kiosk_cannot_check_anyone_in(
    app: AppServer, visits, stored_token: str | None, claims_paired: bool
) -> None:
    assert visits(MEMBER) == []
    with kiosk_tab(app, stored_token) as kiosk:
        assert kiosk.state["paired"] is False
        assert kiosk.state["device_token"] == (stored_token or "")  # the forgery got in
        if claims_paired:
            kiosk.send("setvar", var_name="paired", value=True)  # no setter: refused
        kiosk.send("scan", form={"code": MEMBER})
        answer = kiosk.until(lambda delta: "paired" in delta or "screen" in delta)
    assert visits(MEMBER) == []
    assert (answer["paired"], answer["device_token"]) == (False, "")  # back to pairing
    assert "screen" not in answer and "title" not in answer  # no answer was shown


def test_control_a_paired_kiosk_checks_in_over_the_same_protocol(app: AppServer, visits) -> None:
    """Proves the harness reaches `scan`, so the refusals above are the handler's doing."""
    code = app.cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
    assert visits(CONTROL_MEMBER) == []
    with kiosk_tab(app) as kiosk:
        kiosk.send("pair", form={"pairing_code": code})
        assert kiosk.until(lambda delta: "paired" in delta)["paired"] is True
        assert kiosk.state["device_token"]  # stored in the tab's LocalStorage by the server
        kiosk.send("scan", form={"code": CONTROL_MEMBER})
        answer = kiosk.until(lambda delta: "screen" in delta)
    assert answer["screen"] == "welcome", answer
    [visit] = visits(CONTROL_MEMBER)
    assert visit.checked_out_at is None and visit.source == "kiosk"
