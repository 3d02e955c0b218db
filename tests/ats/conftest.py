from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.core import Settings
from tests.ats.flows import quick_settings
from tests.support.webhook_receiver import Receiver, receiving


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return quick_settings(settings)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running
