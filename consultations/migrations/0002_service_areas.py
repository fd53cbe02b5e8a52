"""The service areas a council's SEND consultations usually cover; administrators can change them."""

from django.db import migrations

SERVICE_AREAS = [
    ("education", "Education and schools"),
    ("ehc-plans", "EHC needs assessments and plans"),
    ("health", "Health and therapies"),
    ("social-care", "Social care and short breaks"),
    ("local-offer", "The Local Offer"),
    ("preparing-for-adulthood", "Preparing for adulthood"),
    ("transport", "Home to school transport"),
]


def create(apps, schema_editor):
    ServiceArea = apps.get_model("consultations", "ServiceArea")
    for slug, name in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
