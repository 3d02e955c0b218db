"""How a debrief runs: what each turn's prompt shows the model, the whole-conversation pass, and drafts."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from assistant.core.settings.group import SettingsGroup


class ConversationSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    # Turns of earlier conversation the model sees (0: only the newest message); the window moves in
    # blocks so the server's prompt cache stays valid between block boundaries. Default 0: shown
    # earlier messages, the 1.5B embedded model re-extracts them (slow, and it then misses the newest
    # message's facts); a correction restates its field, and the code replaces the old value.
    history_block_turns: int = Field(
        default=0, ge=0,
        description=(
            "Earlier messages the model sees, in windows that move in blocks of this size. 0 sends only the newest "
            "message (and the question it answers): with earlier messages in view, the 1.5B embedded model "
            "re-extracts them and misses new facts. Larger models may do better with 4."
        ),
    )
    split_over_chars: int = Field(
        default=0, ge=0,
        description=(
            "A message longer than this many characters is read in parts of whole sentences (or clauses of a "
            "run-on note), one model call each, so a long note with many facts loses none. 0 (the default) reads "
            "every message in one call: on the embedded model, parts of 240 characters recorded more figures and "
            "answers but also more noise, and lost names (docs/quality.md, \"Long notes\")."
        ),
    )
    names_in_turns: bool = Field(
        default=False,
        description=(
            "Give each turn the candidate, role and company already recorded, so \"he\" and \"the role\" resolve. "
            "Off: on the embedded model it found one more candidate name in 12 debriefs but lowered the final "
            "record's micro-F1 (0.54 to 0.53) and the stages it recorded (docs/quality.md, \"Step 6\")."
        ),
    )


class RefinementSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_REFINE_")

    in_background: bool = Field(
        default=False,
        description=(
            "Also run the whole-conversation pass (it rereads every message, fills what the turns missed and "
            "sets the judgements that need the whole debrief, through the same evidence gate) in the "
            "background after every turn's reply, once the recruiter has stopped typing for "
            "`DEBRIEF_REFINE_DELAY_S`. Off by default: on a one-slot model server (the embedded model's "
            "default) the next turn would wait up to a minute behind the pass."
        ),
    )
    on_completion: bool = Field(
        default=True,
        description=(
            "Run the whole-conversation pass in the background when a debrief's flow completes: the record "
            "then shows it is being refined, and the values the pass adds are marked as such."
        ),
    )
    delay_s: float = Field(
        default=4.0, ge=0,
        description=(
            "Seconds without a new message before the background pass runs; turns sent meanwhile share one pass."
        ),
    )
    before_drafts: bool = Field(
        default=True,
        description=(
            "Run the whole-conversation pass before a draft is written, unless the last pass read every message."
        ),
    )


class DraftingSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_DRAFT_")

    # A revised job spec is the longest draft, about 500 tokens.
    max_tokens: int = Field(
        default=900, ge=50,
        description=(
            "Longest draft the model may write, in tokens (a revised spec is the longest)."
        ),
    )
    max_unsupported_share: float = Field(
        default=0.5, ge=0, le=1,
        description=(
            "Share of a model draft's factual sentences that may lack support before the template's draft is used "
            "instead."
        ),
    )
