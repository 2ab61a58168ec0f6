"""Delivery of a view's changes to a room of sockets, in Reflex's own delta format."""

from __future__ import annotations

from typing import Any, Protocol

import reflex as rx

from gym_live import reflex_compat
from gym_live.live.rooms import kind
from gym_live.presentation import DashboardValues


class Fanout(Protocol):
    """Delivers an audience's values to a socket or a room of sockets (see ReflexFanout)."""

    async def send(self, to: str, audience: str, values: DashboardValues) -> None: ...

    async def enter(self, sid: str, room: str) -> None:
        """Join `room` and leave other rooms of the same kind (the text before ':')."""

    async def evict(self, room: str, kinds: tuple[str, ...]) -> None:
        """Every socket in `room` leaves its rooms of these kinds (`room` included)."""

    async def redirect(self, to: str, path: str) -> None:
        """Every page of `to` goes to `path`."""

    async def call(self, to: str, audience: str, handler: str) -> None:
        """Every page of `to` sends the audience's state this event (with no arguments),
        as if it had sent it itself: through the guard, on its own state."""

    def sockets_in(self, room: str) -> int:
        """How many sockets on this instance are in `room`."""


class ReflexFanout:
    """One packet per change, in Reflex's own delta format, to every socket of a room.

    Reflex's per-client updates cost one state load and one delta per dashboard; a room
    broadcast computes the delta once and encodes it once for all.
    """

    def __init__(self, app: Any, states: dict[str, type[Any]]) -> None:
        self._namespace = app.event_namespace
        self._states = states
        self._state_names = {audience: state.get_full_name() for audience, state in states.items()}

    async def send(self, to: str, audience: str, values: DashboardValues) -> None:
        data = reflex_compat.state_delta(self._state_names[audience], values)
        await reflex_compat.broadcast(self._namespace, to, data)

    async def redirect(self, to: str, path: str) -> None:
        await reflex_compat.broadcast(
            self._namespace, to, reflex_compat.page_events(rx.redirect(path))
        )

    async def call(self, to: str, audience: str, handler: str) -> None:
        event = getattr(self._states[audience], handler)()
        await reflex_compat.broadcast(self._namespace, to, reflex_compat.page_events(event))

    async def enter(self, sid: str, room: str) -> None:
        """Join `room`, leaving any other room of its kind (a tab shows one location)."""
        await self._leave(sid, (kind(room),), keep=room)
        await self._namespace.enter_room(sid, room)

    async def evict(self, room: str, kinds: tuple[str, ...]) -> None:
        for sid in reflex_compat.room_members(self._namespace, room):
            await self._leave(sid, kinds)

    def sockets_in(self, room: str) -> int:
        return len(reflex_compat.room_members(self._namespace, room))

    async def _leave(self, sid: str, kinds: tuple[str, ...], keep: str | None = None) -> None:
        for joined in reflex_compat.rooms_of(self._namespace, sid):
            if kind(joined) in kinds and joined != keep:
                await self._namespace.leave_room(sid, joined)
