"""Print how often suggestions matched people's coding, and how far two coders agreed, since a date."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from feedback import agreement


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Precision and recall of theme suggestions on a held-out share, and Cohen's kappa between two coders."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="The first day of coding to measure (YYYY-MM-DD).")

    def handle(self, *args, since, **options):
        try:
            day = date.fromisoformat(since)
        except ValueError as error:
            raise CommandError("--since must be a date written YYYY-MM-DD.") from error
        self.stdout.write(suggestions_table(agreement.suggestion_agreement(since=day)))
        coders = agreement.coder_agreement(since=day)
        self.stdout.write(f"\nCoded by two people: {coders.items} items; Cohen's kappa overall {figure(coders.kappa)}")
        for theme, value in coders.themes:
            self.stdout.write(f"  {theme:<40} kappa {figure(value)}")


def suggestions_table(result: agreement.SuggestionAgreement) -> str:
    lines = [
        f"Suggestions on {result.held_out} held-out items coded since {result.since:%d %B %Y} "
        f"(model learned from {result.trained_on} other items)",
        f"  {'theme':<40} {'suggested':>9} {'chosen':>7} {'matched':>8} {'precision':>9} {'recall':>7}",
    ]
    for score in [*result.themes, result.overall]:
        name = score.theme or "All themes"
        lines.append(
            f"  {name:<40} {score.suggested:>9} {score.chosen:>7} {score.matched:>8} "
            f"{percent(score.precision):>9} {percent(score.recall):>7}"
        )
    return "\n".join(lines)
