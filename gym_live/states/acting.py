"""Staff actions from a page: a service call made as the signed-in staff member.

The guard has already checked the session and the role; this only says who acts (for the
audit trail) and turns an expected failure into a toast (beside a field:
`presentation.field_errors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.services.deps import app_deps
from gym_live.states.auth import AuthState

T = TypeVar("T")


async def as_staff(state: rx.State, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service action (in a thread) with `by` set to the signed-in account."""
    auth = await state.get_state(AuthState)
    return await asyncio.to_thread(action, *args, by=auth._staff_id, deps=app_deps(), **kwargs)


def refused(exc: GymLiveError) -> rx.event.EventSpec:
    return rx.toast.error(exc.message, close_button=True)


def done(message: str) -> rx.event.EventSpec:
    return rx.toast.success(message)
