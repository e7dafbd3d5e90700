"""Load the peer benchmark's data set into django-helpdesk: migrate, one staff agent, the
queues, then tickets and follow-ups with ``bulk_create`` in batches.

    PEER_DATABASE=… python load.py COUNT PASSWORD   (run in the peer's virtualenv, cwd here)
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/peers: _dataset
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

import django

django.setup()

import _dataset  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

BATCH = 2000
OPEN, CLOSED = Ticket.OPEN_STATUS, Ticket.CLOSED_STATUS


def main() -> None:
    count, password = int(sys.argv[1]), sys.argv[2]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("agent", "agent@example.com", password)
    queues = [
        Queue.objects.create(title=title, slug=title.lower(), allow_public_submission=True)
        for title in _dataset.QUEUES
    ]
    batch: list[_dataset.GeneratedTicket] = []
    for generated in _dataset.tickets(count):
        batch.append(generated)
        if len(batch) == BATCH:
            store(batch, queues, user)
            batch = []
    if batch:
        store(batch, queues, user)
    print(f"loaded {count} tickets in {time.monotonic() - started:.1f} s", flush=True)


def store(batch: list, queues: list, user: object) -> None:
    with transaction.atomic():
        made = Ticket.objects.bulk_create(
            [
                Ticket(
                    title=generated.title,
                    queue=queues[generated.queue],
                    created=generated.created,
                    modified=generated.created,
                    submitter_email="customer@example.com",
                    status=OPEN if generated.is_open else CLOSED,
                    description=generated.description,
                    priority=3,
                    assigned_to=user,
                )
                for generated in batch
            ]
        )
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    ticket=ticket,
                    date=generated.created,
                    title="Comment",
                    comment=text,
                    public=True,
                    user=user,
                )
                for ticket, generated in zip(made, batch, strict=True)
                for text in generated.follow_ups
            ]
        )


if __name__ == "__main__":
    main()
