"""Settings of the hand-off to applicant tracking systems: webhook delivery and the ATS connectors.

A group of its own (environment variables with the DEBRIEF_ATS_ prefix), attached to `Settings` as
`settings.ats`, so that it is read, documented and tested as one piece.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from assistant.core.settings.group import SettingsGroup


class AtsSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_ATS_")

    deliver_in_background: bool = Field(
        default=True,
        description=(
            "Deliver webhooks and ATS notes from a background thread of the API process. Off: only "
            "`debrief deliver` sends them (for example from cron, or a separate worker)."
        ),
    )
    poll_interval_s: float = Field(
        default=2.0, gt=0,
        description=(
            "How often the delivery worker looks for due webhooks and notes; an approval in the same process "
            "wakes it at once."
        ),
    )
    # Growing pauses: a receiver that is down for a deploy gets its events minutes later, one that is gone
    # for good stops being tried after about a day and a half.
    retry_schedule_s: list[float] = Field(
        default=[5, 30, 120, 600, 1800, 7200, 21600, 86400],
        description=(
            "Pauses before each retry of a failed delivery, in seconds, as a JSON list; after the last one the "
            "delivery is marked failed (it can still be replayed)."
        ),
    )
    lease_s: float = Field(
        default=60.0, gt=0,
        description=(
            "How long a worker holds a claimed delivery; a worker killed while holding one leaves it to be sent "
            "again once this has passed."
        ),
    )
    request_timeout_s: float = Field(
        default=10.0, gt=0,
        description=(
            "Seconds a webhook receiver or an ATS may take to answer one delivery."
        ),
    )
    batch_size: int = Field(
        default=50, ge=1,
        description=(
            "Deliveries a worker claims at a time."
        ),
    )
    senders: int = Field(
        default=4, ge=1,
        description=(
            "Deliveries a worker sends at once (to different receivers, or the same one)."
        ),
    )
    allow_private_urls: bool = Field(
        default=False,
        description=(
            "Accept webhook endpoints on loopback and private addresses (`http://127.0.0.1:…`). Off: an endpoint "
            "must be `https://` on a public host name, so a key cannot be used to probe the internal network."
        ),
    )

    greenhouse_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Greenhouse Harvest API key (Configure > Dev Center > API Credential Management, with permission to "
            "post candidate notes). Unset: no Greenhouse notes."
        ),
    )
    greenhouse_on_behalf_of: str | None = Field(
        default=None,
        description=(
            "The Greenhouse user id notes are posted as (the `On-Behalf-Of` header and the note's `user_id`)."
        ),
    )
    greenhouse_base_url: str = Field(
        default="https://harvest.greenhouse.io/v1",
        description=(
            "Greenhouse Harvest API root."
        ),
    )
    greenhouse_visibility: str = Field(
        default="private",
        description=(
            "Who sees a note in Greenhouse: `admin_only`, `private` or `public`."
        ),
    )
    lever_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Lever API key (Settings > Integrations and API > API Credentials). Unset: no Lever notes."
        ),
    )
    lever_perform_as: str | None = Field(
        default=None,
        description=(
            "The Lever user id notes are posted as (`perform_as`). Unset: the key's owner."
        ),
    )
    lever_base_url: str = Field(
        default="https://api.lever.co/v1",
        description=(
            "Lever API root."
        ),
    )
    ashby_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Ashby API key with the candidates write permission. Unset: no Ashby notes."
        ),
    )
    ashby_base_url: str = Field(
        default="https://api.ashbyhq.com",
        description=(
            "Ashby API root."
        ),
    )

    @field_validator("retry_schedule_s")
    @classmethod
    def _pauses_are_positive(cls, pauses: list[float]) -> list[float]:
        if any(p <= 0 for p in pauses):
            raise ValueError("every pause must be more than 0 seconds")
        return pauses
