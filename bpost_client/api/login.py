"""The login endpoints: a one-time challenge, and a session token for its signature."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from bpost_client.api import models
from bpost_client.api.auth import CHALLENGE_SECONDS, SESSION_SECONDS, AuthError, login_message
from bpost_client.api.dependencies import Services, services
from bpost_client.api.errors import ApiError, error_responses

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["authentication"])
App = Annotated[Services, Depends(services)]


def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@router.post(
    "/challenge",
    summary="A one-time nonce to sign",
    description=f"A nonce valid {CHALLENGE_SECONDS // 60} minutes and once, and the exact text "
    "to sign with the key of an address bound to the caller's institution (EIP-191 "
    "`personal_sign`): `B-POST API login\\nnonce: <nonce>`.",
    response_model=models.Challenge,
)
def create_challenge(app: App) -> models.Challenge:
    nonce, expires_at = app.auth.challenge()
    return models.Challenge(nonce=nonce, message=login_message(nonce), expires_at=_time(expires_at))


@router.post(
    "/token",
    summary="A bearer token for a signed challenge",
    description="Checks the signature of the challenge's text, requires the signer to be an "
    "active operator of an active institution in the ParticipantRegistry, and returns a bearer "
    f"token valid {SESSION_SECONDS // 60} minutes, bound to that institution's LEI. The nonce "
    "is used up whatever the outcome.",
    response_model=models.Token,
    responses=error_responses(401, 422),
)
def create_token(request: models.TokenRequest, app: App) -> models.Token:
    try:
        issued, principal = app.auth.login(request.address, request.nonce, request.signature)
    except AuthError as exc:
        raise ApiError(401, str(exc)) from None
    return models.Token(
        access_token=issued, lei=principal.lei, expires_at=_time(principal.expires_at or 0.0)
    )
