"""Behind a proxy, every limit and the sign-in lock-out count the client's address, which the client
cannot choose by sending X-Forwarded-For entries of its own."""

from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from common.views import request_client_address

PROXY = "10.0.0.5"  # nginx, as gunicorn sees it


def request(*, forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_with_no_proxy_the_connection_is_the_client_and_forwarded_headers_are_ignored(settings):
    settings.PROXY_COUNT = 0
    assert request_client_address(request(forwarded="198.51.100.7", remote="203.0.113.9")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.PROXY_COUNT = 1
    assert request_client_address(request(forwarded="203.0.113.9")) == "203.0.113.9"


def test_behind_one_proxy_entries_the_client_forged_are_not_read(settings):
    settings.PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 198.51.100.1, 198.51.100.2"; nginx appended its real address.
    forged = request(forwarded="198.51.100.1, 198.51.100.2, 203.0.113.9")
    assert request_client_address(forged) == "203.0.113.9"


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings):
    settings.PROXY_COUNT = 2
    assert request_client_address(request(forwarded="198.51.100.1, 203.0.113.9, 10.0.0.4")) == "203.0.113.9"


def test_a_request_that_did_not_pass_every_proxy_or_carries_no_address_counts_as_its_sender(settings):
    settings.PROXY_COUNT = 2
    assert request_client_address(request(forwarded="203.0.113.9")) == PROXY
    assert request_client_address(request()) == PROXY
    settings.PROXY_COUNT = 1
    assert request_client_address(request(forwarded="not-an-address")) == PROXY
    assert request_client_address(request(forwarded="")) == PROXY


def test_the_sign_in_lock_out_reads_the_same_address(settings):
    settings.PROXY_COUNT = 1
    assert get_client_ip_address(request(forwarded="198.51.100.1, 203.0.113.9")) == "203.0.113.9"
