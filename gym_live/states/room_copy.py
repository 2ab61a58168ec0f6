"""Pages whose values arrive by room broadcast: what a (re)connecting tab is sent."""

from __future__ import annotations

import builtins
from typing import Any

from gym_live import reflex_compat
from gym_live.presentation import DashboardValues


class RoomCopy:
    """For a state whose shown values a room broadcast keeps current (live/fanout.py).

    A broadcast goes to the tab's socket past Reflex's stored copy of its state: that is
    what makes it cheap at hundreds of tabs, and it leaves the stored copy as it was when
    the tab opened. Reflex sends the stored copy in full on every reconnect, so without
    this a tab would show the old numbers again until its on_load read the hub anew.
    Mixed in before `rx.State`.
    """

    def _room_values(self) -> DashboardValues | None:
        """The values this tab hears by broadcast, as the instance's hub has them now;
        None when the hub does not know them (yet): the stored copy goes unchanged."""
        raise NotImplementedError

    @reflex_compat.overrides_reflex
    def dict(
        self, include_computed: bool = True, initial: bool = False, **kwargs: Any
    ) -> builtins.dict[str, Any]:
        """The state as a hydrating tab is sent it: the hub's values of now in place of
        the stored ones. The compiled defaults (`initial`) are left alone."""
        snapshot = super().dict(include_computed, initial, **kwargs)  # type: ignore[misc]
        values = None if initial else self._room_values()
        if values:
            snapshot[self.get_full_name()].update(reflex_compat.wire_fields(values))  # type: ignore[attr-defined]
        return snapshot
