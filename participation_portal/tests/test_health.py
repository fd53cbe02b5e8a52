import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_is_ok_when_database_and_broker_are_reachable(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_names_an_unreachable_broker(client, monkeypatch):
    from participation_portal import health

    monkeypatch.setattr(health, "broker_reachable", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["unreachable"] == ["broker"]


@pytest.mark.django_db
def test_health_names_an_unreachable_database(client, monkeypatch):
    from participation_portal import health

    monkeypatch.setattr(health, "database_reachable", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["unreachable"] == ["database"]


def test_a_redis_broker_nobody_listens_on_is_unreachable(settings):
    from participation_portal import health

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    assert health.broker_reachable() is False


def test_the_embedded_transport_is_reachable_while_its_folder_is_writable(settings, tmp_path):
    from participation_portal import health

    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    assert health.broker_reachable() is True
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    assert health.broker_reachable() is False
