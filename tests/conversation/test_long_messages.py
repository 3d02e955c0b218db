"""A long message is read in parts of whole sentences, one model call each, and nothing of it is lost."""

from __future__ import annotations

from assistant.conversation import Extractor, PastTurn, apply_updates
from assistant.conversation.extraction import message_parts
from assistant.core import PromptLibrary, Settings
from assistant.core.schema import Record
from tests.support.fakes import ScriptedChatModel, update

NOTE = ("Spoke to Dana Kim after her Corvex interview for the data lead role. She rates it 4/5. "
        "Currently on 82k and wants 90k. Notice is two months. Worried about the on-call rota.")


def test_parts_are_whole_sentences_in_order_and_hold_the_whole_message() -> None:
    parts = message_parts(NOTE, 90)
    assert len(parts) >= 2
    assert all(len(p) <= 90 for p in parts)
    assert " ".join(parts) == NOTE
    assert all(p.endswith(".") for p in parts)


def test_a_run_on_note_splits_at_its_commas() -> None:
    note = ("dana kim, data lead at corvex, 1st stage, rates it 4/5, on 82k wants 90k, notice two months, "
            "worried about on-call, offer pending elsewhere")
    parts = message_parts(note, 60)
    assert len(parts) >= 2 and all(len(p) <= 60 for p in parts)
    assert " ".join(parts) == note


def test_a_short_message_or_no_limit_is_one_part() -> None:
    assert message_parts("she's a 4/5", 90) == ["she's a 4/5"]
    assert message_parts(NOTE, 0) == [NOTE]


def test_each_part_is_one_call_and_the_updates_of_all_parts_reach_the_gate() -> None:
    model = ScriptedChatModel(script=[
        [update("candidate_name", "", "Dana Kim"), update("company", "", "Corvex")],
        [update("candidate_interest", "4", "4/5"), update("compensation_current", "82k", "Currently on 82k")],
        [update("notice_period", "", "two months"), update("concerns", "", "Worried about the on-call rota")],
    ])
    extractor = Extractor(model, PromptLibrary(Settings().content.prompts_dir), split_over_chars=60)
    extraction = extractor.extract("candidate", [], PastTurn("How did it go?", NOTE))
    parts = message_parts(NOTE, 60)
    assert len(model.calls) == len(parts) == 3
    for call, part in zip(model.calls, parts, strict=True):
        newest = str(call[-1].content)
        assert part in newest and "How did it go?" in newest
        # The same fixed instructions open every call, so the server's cached prefix serves each part.
        assert call[0].content == model.calls[0][0].content
    record = Record(kind="candidate")
    gate = apply_updates(record, extraction.proposed, [NOTE])
    assert gate.rejected == []
    assert record.value("candidate_interest") == 4
    assert record.value("notice_period") == "2 months"
    assert record.value("concerns") == ["Worried about the on-call rota"]
