"""The REST API, v1: what turnstiles, door controllers and partner apps call.

`POST /api/v1/scans` makes the kiosk's decision for a card at a location, and the same
event reaches the dashboards. It needs an API key (`Authorization: Bearer <key>`, `python
-m gym_live apikey add`). `GET /api/v1/locations` and `/api/v1/locations/{id}/occupancy`
are public: how busy each location is, with no member data. `GET /api/v1/visits.csv` and
`/api/v1/members.csv` send every visit of a period, and every member, to a key with the
export scope or to an admin signed in in the same browser. Bad input gets a 4xx naming
the field, never a 500: 401 without a valid key, 403 beyond its scopes or locations, 422
for a malformed body or an unknown location, 429 beyond the key's rate. The schema is at
/api/openapi.json, and to read at /api/docs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
import time
from http import HTTPStatus
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from gym_live import wording
from gym_live.api_docs import docs_page
from gym_live.csv_download import csv_download
from gym_live.domain.api_keys import (
    ApiKeyInfo,
    Scope,
    export_locations,
    idempotency_key,
    require_every_location,
    require_location,
)
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
from gym_live.domain.staff import Role
from gym_live.domain.visit_export import period
from gym_live.live.hub import get_hub
from gym_live.presentation import DashboardValues, goodbye_title, welcome_title
from gym_live.services import api_keys, api_scans, member_export, occupancy, visit_export
from gym_live.services.deps import app_deps
from gym_live.staff_files import signed_in_staff

PREFIX = "/api/v1"
# The public occupancy may be kept this long by a proxy (deploy/nginx.conf.template keeps it)
# or a browser: a popular website then costs an instance one request a second per address.
PUBLIC_FOR_A_SECOND = "public, max-age=1"
# Routes anyone may call (the schema, how busy the locations are); every other one needs a
# key (a test enumerates the routes and calls each without one).
DOCS = "/api/docs"
PUBLIC_PATHS = frozenset(
    {
        "/api/openapi.json",
        DOCS,
        f"{PREFIX}/locations",
        f"{PREFIX}/locations/{{location_id}}/occupancy",
    }
)
LOCATION_NAME_LENGTH = 80
REPLAYED_HEADER = "Idempotent-Replayed"
HEADERS = frozenset({"Idempotency-Key"})  # fields of a request that are its headers
_PARAMETERS = {"GET": "query", "POST": "body"}  # where the other fields are

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
    return await _key(credentials.credentials if credentials else None, Scope.SCAN)


async def _key(secret: str | None, scope: Scope) -> ApiKeyInfo:
    """The key, if active, for `scope`, and within its rate."""
    deps = app_deps()
    key = await asyncio.to_thread(api_keys.authorize, secret, scope, deps=deps)
    wait = _limits(deps.settings.api_rate).wait(key.id, time.monotonic())
    if wait:
        raise RateLimited(
            f"Too many calls with this key: at most {deps.settings.api_rate:g} a second.",
            retry_after=wait,
        )
    return key


@dataclasses.dataclass(frozen=True)
class Exporter:
    """Who asks for a file: an API key with the export scope, or an admin signed in in
    this browser (the staff files' cookie)."""

    key: ApiKeyInfo | None
    staff_id: int | None = None

    @property
    def via(self) -> str:
        return f"API key {self.key.name!r}" if self.key else ""


async def export_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Exporter:
    if credentials is not None:
        return Exporter(await _key(credentials.credentials, Scope.EXPORT))
    staff = await signed_in_staff(request, app_deps())
    if staff is None:
        raise InvalidApiKey("Send an API key with the export scope, or sign in as an admin.")
    if staff.role != Role.ADMIN:
        raise NotAllowed("Only an admin can export.")
    return Exporter(None, staff.id)


@functools.cache
def _limits(rate: float) -> RateLimits:
    """This instance's buckets (each instance counts its own calls)."""
    return RateLimits(rate)


@api.post(
    f"{PREFIX}/scans",
    response_model=ScanAnswer,
    responses={
        400: {"model": Problem, "description": "The body is not JSON."},
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
async def list_locations(response: Response) -> list[LocationOccupancy]:
    """Every location, how full it is now and usually (public: no key, no names)."""
    response.headers["Cache-Control"] = PUBLIC_FOR_A_SECOND
    return [await _occupancy(location_id) for location_id in sorted(_live_views())]


@api.get(
    f"{PREFIX}/locations/{{location_id}}/occupancy",
    response_model=LocationOccupancy,
    responses={404: {"model": Problem}, 503: {"model": Problem}},
    summary="How busy a location is",
)
async def location_occupancy(location_id: int, response: Response) -> LocationOccupancy:
    """People inside now, the busy level, and the usual for this weekday and hour."""
    now = await occupancy_of(location_id)
    response.headers["Cache-Control"] = PUBLIC_FOR_A_SECOND
    return now


async def occupancy_of(location_id: int) -> LocationOccupancy:
    """The location's occupancy (NotFound for an unknown id; NotReady while loading)."""
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


# A day in a query: YYYY-MM-DD (checked by visit_export.period, which names the field).
_DAY: dict[str, Any] = {"pattern": r"^\d{4}-\d{2}-\d{2}$", "json_schema_extra": {"format": "date"}}


class CsvFile(Response):
    media_type = "text/csv"


_PROBLEM = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    401: _PROBLEM,
    403: _PROBLEM,
    429: _PROBLEM,
}


@api.get(f"{PREFIX}/visits.csv", response_class=CsvFile, responses=_CSV, summary="Visits")
async def export_visits(
    caller: Annotated[Exporter, Depends(export_caller)],
    first: Annotated[
        str | None, Query(alias="from", description="The first day; none: all.", **_DAY)
    ] = None,
    last: Annotated[
        str | None, Query(alias="to", description="The last day, included; none: today.", **_DAY)
    ] = None,
    location: Annotated[
        str | None, Query(min_length=1, max_length=LOCATION_NAME_LENGTH, description="A name.")
    ] = None,
) -> Response:
    """Every visit of the period, in check-in order: member, location, times in the
    location's zone, stay, how they left, source, who let them in or out (or in anyway)."""
    deps = app_deps()
    names = export_locations(caller.key, location)
    query, heading = await asyncio.to_thread(
        visit_export.start_export,
        period(first, last),
        names,
        by=caller.staff_id,
        via=caller.via,
        deps=deps,
    )
    filename = f"visits-{first or 'start'}-{last or deps.today()}.csv"
    next_page = functools.partial(visit_export.next_lines, query, deps=deps)
    return csv_download(filename, heading, next_page)


@api.get(f"{PREFIX}/members.csv", response_class=CsvFile, responses=_CSV, summary="Members")
async def export_members(caller: Annotated[Exporter, Depends(export_caller)]) -> Response:
    """Every member, by card number, under the headings an import reads."""
    if caller.key is not None:
        require_every_location(caller.key)
    deps = app_deps()
    heading = await asyncio.to_thread(
        member_export.start_export, by=caller.staff_id, via=caller.via, deps=deps
    )
    filename = f"members-{deps.today()}.csv"
    return csv_download(filename, heading, functools.partial(member_export.next_lines, deps=deps))


@api.get(DOCS, response_class=HTMLResponse, include_in_schema=False)
async def docs() -> HTMLResponse:
    """The reference, from the schema (public, as the schema is)."""
    return HTMLResponse(docs_page(api.openapi()))


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
        where = ["header" if error.field in HEADERS else _PARAMETERS[request.method]]
        where += [error.field] if error.field else []
        body["detail"] = [{"loc": where, "msg": error.message, "type": error.code}]
        return JSONResponse(body, 422)
    return JSONResponse(body, 400)


@api.exception_handler(HTTPException)
async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    """FastAPI's own refusals (a body that is not JSON, say) in the same shape as ours."""
    reason = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_")
    body = {"detail": error.detail, "reason": reason}
    return JSONResponse(body, error.status_code, headers=error.headers)


@api.exception_handler(SQLAlchemyError)
async def _database_away(request: Request, error: SQLAlchemyError) -> JSONResponse:
    """Nothing was decided: the caller may retry (a scan's transaction rolled back)."""
    body = {"detail": "The database is not answering; try again.", "reason": Reason.DATABASE}
    return JSONResponse(body, 503, headers={"Retry-After": "1"})
