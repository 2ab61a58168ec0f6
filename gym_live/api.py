"""The REST API, v1: what turnstiles, door controllers and partner apps call.

`POST /api/v1/scans` makes the kiosk's decision for a card at a location, and the same
event reaches the dashboards. It needs an API key (`Authorization: Bearer <key>`, `python
-m gym_live apikey add`). `GET /api/v1/locations` and `/api/v1/locations/{id}/occupancy`
are public: how busy each location is, with no member data. Bad input gets a 4xx naming
the field, never a 500: 401 without a valid key, 403 beyond its scopes or locations, 422
for a malformed body or an unknown location, 429 beyond the key's rate. The schema is at
/api/openapi.json.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
import time
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from gym_live import wording
from gym_live.domain.api_keys import ApiKeyInfo, Scope, idempotency_key, require_location
from gym_live.domain.checkin import Action, CheckinResult
from gym_live.domain.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    Conflict,
    GymLiveError,
    InvalidApiKey,
    InvalidInput,
    NotAllowed,
    NotFound,
    NotReady,
    PinRequired,
    RateLimited,
    Reason,
    ScanRefused,
)
from gym_live.domain.members import MAX_CODE_LENGTH
from gym_live.domain.occupancy import BusyLevel
from gym_live.domain.rate_limit import RateLimits
from gym_live.live.hub import get_hub
from gym_live.presentation import DashboardValues, goodbye_title, welcome_title
from gym_live.services import api_keys, api_scans, occupancy
from gym_live.services.deps import app_deps

PREFIX = "/api/v1"
# Routes anyone may call (the schema, how busy the locations are); every other one needs a
# key (a test enumerates the routes and calls each without one).
PUBLIC_PATHS = frozenset(
    {"/api/openapi.json", f"{PREFIX}/locations", f"{PREFIX}/locations/{{location_id}}/occupancy"}
)
LOCATION_NAME_LENGTH = 80
REPLAYED_HEADER = "Idempotent-Replayed"
HEADERS = frozenset({"Idempotency-Key"})  # fields of a request that are its headers

api = FastAPI(
    title="gym_live API",
    version="1",
    description=__doc__,
    openapi_url="/api/openapi.json",
    docs_url=None,
    redoc_url=None,
)
_bearer = HTTPBearer(auto_error=False, description="An API key made by an admin.")


class ScanRequest(BaseModel):
    member_code: str = Field(
        min_length=1, max_length=MAX_CODE_LENGTH, description="The card's number as scanned."
    )
    location: str = Field(
        min_length=1, max_length=LOCATION_NAME_LENGTH, description="The location's name."
    )


class ScanAnswer(BaseModel):
    """The door's decision: let in (or out), or not, and what to show the member."""

    ok: bool
    action: Literal["check_in", "check_out"] | None = Field(
        description="What happened; none when refused."
    )
    reason: str | None = Field(description="Why not, as a stable code; none when ok.")
    message: str = Field(description="What the door may show the member.")
    first_name: str | None = None
    visits_left: int | None = Field(None, description="On a visit pass, after this visit.")
    inside_now: int | None = Field(None, description="People at the location after the scan.")


class LocationOccupancy(BaseModel):
    """How busy a location is now, and usually at this weekday and hour (last 8 weeks)."""

    id: int
    name: str
    capacity: int
    inside_now: int
    level: BusyLevel
    usual_inside: float = Field(description="Average people inside at this time of day.")
    usual_level: BusyLevel


class Problem(BaseModel):
    detail: str
    reason: str


async def scan_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKeyInfo:
    """The caller's key, if it may scan; checked before the body is even read, so a caller
    without one learns nothing from the validation errors."""
    secret = credentials.credentials if credentials else None
    deps = app_deps()
    key = await asyncio.to_thread(api_keys.authorize, secret, Scope.SCAN, deps=deps)
    wait = _limits(deps.settings.api_rate).wait(key.id, time.monotonic())
    if wait:
        raise RateLimited(
            f"Too many calls with this key: at most {deps.settings.api_rate:g} a second.",
            retry_after=wait,
        )
    return key


@functools.cache
def _limits(rate: float) -> RateLimits:
    """This instance's buckets (each instance counts its own calls)."""
    return RateLimits(rate)


@api.post(
    f"{PREFIX}/scans",
    response_model=ScanAnswer,
    responses={
        401: {"model": Problem},
        403: {"model": Problem},
        409: {"model": Problem},
        429: {"model": Problem},
        503: {"model": Problem},
    },
    summary="A card at a door",
)
async def post_scan(
    scan: ScanRequest,
    key: Annotated[ApiKeyInfo, Depends(scan_key)],
    idempotency: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Retries with the same value within 24 h get the first answer.",
        ),
    ] = None,
) -> ScanAnswer | JSONResponse:
    """Check in, or out when already inside (the kiosk's toggle), or refuse and say why."""
    require_location(key, scan.location)
    try:
        done = await asyncio.to_thread(
            api_scans.scan,
            scan.member_code,
            scan.location,
            key=key,
            idempotency_key=idempotency_key(idempotency),
            answer_of=lambda outcome: _answer_to(outcome).model_dump_json(),
            deps=app_deps(),
        )
    except api_scans.Replayed as first:
        replay = ScanAnswer.model_validate_json(first.answer)
        return JSONResponse(replay.model_dump(), headers={REPLAYED_HEADER: "true"})
    except NotFound as missing:  # the only thing a scan looks up by name is its location
        raise InvalidInput(missing.message, field="location") from None
    except (ScanRefused, AlreadyCheckedIn, AlreadyCheckedOut, PinRequired) as not_now:
        return _answer_to(not_now)
    return _answer_to(done)


def _answer_to(outcome: CheckinResult | GymLiveError) -> ScanAnswer:
    if isinstance(outcome, CheckinResult):
        return _answer(outcome)
    message = wording.for_members(outcome.code) if isinstance(outcome, ScanRefused) else ""
    return _refused(outcome.code, message or outcome.message)


def _answer(done: CheckinResult) -> ScanAnswer:
    first = done.member.first_name
    checked_in = done.action is Action.CHECK_IN
    return ScanAnswer(
        ok=True,
        action="check_in" if checked_in else "check_out",
        reason=None,
        message=welcome_title(first) if checked_in else goodbye_title(first),
        first_name=first,
        visits_left=done.visits_left,
        inside_now=done.location.inside_now,
    )


def _refused(reason: str, message: str) -> ScanAnswer:
    return ScanAnswer(ok=False, action=None, reason=reason, message=message)


@api.get(f"{PREFIX}/locations", response_model=list[LocationOccupancy], summary="Locations")
async def list_locations() -> list[LocationOccupancy]:
    """Every location, how full it is now and usually (public: no key, no names)."""
    return [await _occupancy(location_id) for location_id in sorted(_live_views())]


@api.get(
    f"{PREFIX}/locations/{{location_id}}/occupancy",
    response_model=LocationOccupancy,
    responses={404: {"model": Problem}, 503: {"model": Problem}},
    summary="How busy a location is",
)
async def location_occupancy(location_id: int) -> LocationOccupancy:
    """People inside now, the busy level, and the usual for this weekday and hour."""
    if location_id not in _live_views():
        raise NotFound(f"No location with id {location_id}.")
    return await _occupancy(location_id)


def _live_views() -> dict[int, DashboardValues]:
    hub = get_hub()
    if not hub.loaded:
        raise NotReady("This instance is still loading; try again in a moment.")
    return hub.views


async def _occupancy(location_id: int) -> LocationOccupancy:
    view = _live_views()[location_id]
    now = await asyncio.to_thread(
        occupancy.occupancy,
        location_id,
        view["location_name"],
        view["capacity"],
        view["inside_now"],
        deps=app_deps(),
    )
    return LocationOccupancy(**dataclasses.asdict(now))


@api.exception_handler(GymLiveError)
async def _gym_live_error(request: Request, error: GymLiveError) -> JSONResponse:
    """Our refusals as HTTP: who may call (401, 403), a lost race (409), bad input (422)."""
    body: dict[str, Any] = {"detail": error.message, "reason": error.code}
    if isinstance(error, InvalidApiKey):
        return JSONResponse(body, 401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(error, NotAllowed):
        return JSONResponse(body, 403)
    if isinstance(error, RateLimited):
        retry = str(max(1, math.ceil(error.retry_after)))
        return JSONResponse(body, 429, headers={"Retry-After": retry})
    if isinstance(error, Conflict):
        return JSONResponse(body, 409)
    if isinstance(error, NotFound):
        return JSONResponse(body, 404)
    if isinstance(error, NotReady):
        return JSONResponse(body, 503, headers={"Retry-After": "1"})
    if isinstance(error, InvalidInput):
        where = ["header" if error.field in HEADERS else "body"]
        where += [error.field] if error.field else []
        body["detail"] = [{"loc": where, "msg": error.message, "type": error.code}]
        return JSONResponse(body, 422)
    return JSONResponse(body, 400)


@api.exception_handler(SQLAlchemyError)
async def _database_away(request: Request, error: SQLAlchemyError) -> JSONResponse:
    """Nothing was decided: the caller may retry (a scan's transaction rolled back)."""
    body = {"detail": "The database is not answering; try again.", "reason": Reason.DATABASE}
    return JSONResponse(body, 503, headers={"Retry-After": "1"})
