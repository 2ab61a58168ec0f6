"""One build of the pages per version of the code (gym_live/frontend.py), on a stand-in
checkout: the real build is exercised by every browser test's server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gym_live import frontend


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with a page module and an asset; `reflex export` writes one page."""
    (tmp_path / "gym_live" / "pages").mkdir(parents=True)
    (tmp_path / "gym_live" / "pages" / "kiosk.py").write_text("TITLE = 'Check in'\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "gym_live.css").write_text("body { margin: 0 }\n")
    (tmp_path / "rxconfig.py").write_text("config = None\n")
    web = tmp_path / ".web"
    monkeypatch.setattr(frontend, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(frontend, "WEB_DIR", web)
    monkeypatch.setattr(frontend, "PAGES_DIR", web / "build" / "client")
    monkeypatch.setattr(frontend, "STAMP", web / "build" / "gym_live-source.sha256")
    return tmp_path


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per stand-in export run; it takes a while, as the real one does."""
    started: list[str] = []

    def export() -> None:
        started.append("export")
        time.sleep(0.3)
        frontend.PAGES_DIR.mkdir(parents=True, exist_ok=True)
        (frontend.PAGES_DIR / "index.html").write_text("<html></html>")

    monkeypatch.setattr(frontend, "_export", export)
    return started


def test_the_digest_follows_the_code_and_assets_but_not_caches(checkout: Path) -> None:
    first = frontend.source_digest()
    (checkout / "gym_live" / "pages" / "__pycache__").mkdir()
    (checkout / "gym_live" / "pages" / "__pycache__" / "kiosk.cpython-311.pyc").write_bytes(b"x")
    (checkout / "gym_live" / "notes.txt").write_text("not part of the pages")
    assert frontend.source_digest() == first
    (checkout / "assets" / "gym_live.css").write_text("body { margin: 1px }\n")
    assert frontend.source_digest() != first


def test_a_current_build_is_served_as_it_is(checkout: Path, exports: list[str]) -> None:
    assert not frontend.is_current()
    assert frontend.ensure_built() is True
    assert frontend.is_current()
    assert frontend.ensure_built() is False
    assert len(exports) == 1
    (checkout / "gym_live" / "pages" / "kiosk.py").write_text("TITLE = 'Welcome'\n")
    assert not frontend.is_current()
    assert frontend.ensure_built() is True
    assert len(exports) == 2


def test_instances_that_start_together_build_once(checkout: Path, exports: list[str]) -> None:
    built: list[bool] = []
    starts = [threading.Thread(target=lambda: built.append(frontend.ensure_built())) for _ in "ab"]
    for start in starts:
        start.start()
    for start in starts:
        start.join()
    assert sorted(built) == [False, True]
    assert len(exports) == 1


def test_a_build_that_failed_is_not_taken_for_current(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_a_build() -> None:
        frontend.PAGES_DIR.mkdir(parents=True)
        raise RuntimeError("npm ran out of disk")

    monkeypatch.setattr(frontend, "_export", half_a_build)
    with pytest.raises(RuntimeError, match="out of disk"):
        frontend.ensure_built()
    assert frontend.PAGES_DIR.is_dir() and not frontend.is_current()
