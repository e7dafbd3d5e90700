"""The data set both helpdesks of a peer benchmark are loaded with: the same tickets, texts,
queues and states on both sides, generated from one seed.

Standard library only: the peer's loader imports this module inside the peer's own virtualenv.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

QUEUES = ("Sales", "Support", "Billing", "Hardware")
BODY_WORD = "quetzalbody"  # in a follow-up of every 1,000th ticket
TITLE_WORD = "quetzaltitle"  # in the title of every 1,000th ticket (other tickets)
OPEN_SHARE = 0.2  # a fifth of the tickets open, the rest closed
FOLLOW_UPS = 2
WORDS_PER_TEXT = 40
START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class GeneratedTicket:
    index: int
    title: str
    queue: int  # index into QUEUES
    is_open: bool
    created: datetime
    description: str  # the customer's first message
    follow_ups: tuple[str, ...]  # the agents' and customers' later messages


def vocabulary(size: int = 3000) -> list[str]:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]


def tickets(count: int, seed: int = 42) -> Iterator[GeneratedTicket]:
    words = vocabulary()
    rng = random.Random(seed)
    for index in range(count):
        title = " ".join(rng.choices(words, k=5))
        if index % 1000 == 500:
            title += f" {TITLE_WORD}"
        texts = [" ".join(rng.choices(words, k=WORDS_PER_TEXT)) for _ in range(1 + FOLLOW_UPS)]
        if index % 1000 == 0:
            texts[-1] += f" {BODY_WORD}"
        yield GeneratedTicket(
            index=index,
            title=title,
            queue=rng.randrange(len(QUEUES)),
            is_open=rng.random() < OPEN_SHARE,
            created=START + timedelta(seconds=index * 30),
            description=texts[0],
            follow_ups=tuple(texts[1:]),
        )


def expected_matches(count: int) -> dict[str, int]:
    """How many tickets each search word is in."""
    return {
        BODY_WORD: len(range(0, count, 1000)),
        TITLE_WORD: len(range(500, count, 1000)),
    }
