"""Word matching: the filler of a conversational question matches nothing."""

from assistant.playbook.lexical import LexicalIndex, terms


def test_conversational_filler_is_no_evidence_of_a_topic() -> None:
    assert terms("I just really need to get this sorted, ok?") == ["need", "sort"]
    index = LexicalIndex([
        ("chat", "We just really got on well, it was pretty good actually."),
        ("counter", "Her employer made a counter-offer when she resigned."),
    ])
    # Only the passage about the question's topic comes back, not the one sharing its small talk.
    assert [hit.key for hit in index.search("ok so I'm just really worried about a counter-offer", 5)] == ["counter"]
