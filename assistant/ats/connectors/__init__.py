"""The ATS connectors: each posts an approved note to a candidate's profile in one applicant tracking
system, behind the one small `Connector` interface."""

from __future__ import annotations

from assistant.ats.connectors.ashby import Ashby
from assistant.ats.connectors.base import Connector, ConnectorError
from assistant.ats.connectors.greenhouse import Greenhouse
from assistant.ats.connectors.lever import Lever
from assistant.core import AtsSettings


def configured(settings: AtsSettings) -> dict[str, Connector]:
    """The connectors whose credentials are set, by ATS name."""
    found: dict[str, Connector] = {}
    if settings.greenhouse_api_key:
        found["greenhouse"] = Greenhouse(settings.greenhouse_api_key.get_secret_value(),
                                         settings.greenhouse_on_behalf_of or "", settings.greenhouse_base_url,
                                         settings.greenhouse_visibility)
    if settings.lever_api_key:
        found["lever"] = Lever(settings.lever_api_key.get_secret_value(), settings.lever_base_url,
                               settings.lever_perform_as)
    if settings.ashby_api_key:
        found["ashby"] = Ashby(settings.ashby_api_key.get_secret_value(), settings.ashby_base_url)
    return found


__all__ = ["Ashby", "Connector", "ConnectorError", "Greenhouse", "Lever", "configured"]
