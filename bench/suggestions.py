"""How good the theme suggestions are on a labelled set: precision and recall per theme on a held-out
share, as the agreement page shows them, with the time taken to learn and to suggest.

    DJANGO_DEBUG=1 .venv/bin/python bench/suggestions.py [--items 400] [--seed 7]

Builds a throwaway SQLite database, fills it with the labelled set the tests use
(feedback/tests/labelled.py: phrases per theme with shared filler words, some items with two
themes), and prints the figures. Figures are only comparable within one run.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# bench/http.py shares its name with the standard library's http package: take this folder off the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("CACHE_URL", "locmemcache://")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from feedback import agreement, suggestions
    from feedback.management.commands.feedback_agreement import suggestions_table
    from feedback.tests.labelled import labelled_items

    coder = UserFactory(role=Role.STAFF)
    items = labelled_items(count=args.items, coder=coder, seed=args.seed)
    started = time.perf_counter()
    trained = suggestions.suggestion_model_train(moment=timezone.now())
    learned_in = time.perf_counter() - started
    started = time.perf_counter()
    suggestions.suggestions_make(item_ids=[item.pk for item in items], moment=timezone.now())
    suggested_in = time.perf_counter() - started
    result = agreement.suggestion_agreement(since=timezone.localdate())
    print(f"Labelled set: {args.items} items, seed {args.seed}")
    print(f"Learned from {trained.items_trained} items in {learned_in:.2f}s; stored model {trained.size:,} bytes")
    print(f"Suggested for {len(items)} items in {suggested_in:.2f}s ({1000 * suggested_in / len(items):.2f}ms each)")
    print(suggestions_table(result))


if __name__ == "__main__":
    main()
