"""The Redis cache builds one redis-py client for each connection pool, not one on every call."""

import os
import threading
import uuid
from unittest import mock

import pytest

from common.cache import FailOpenRedisCache


def test_every_call_on_one_server_uses_the_same_client():
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0", {})  # nothing is sent: no server is needed
    with mock.patch.object(cache._cache, "_client", wraps=cache._cache._client) as build:
        first = cache._cache.get_client("a")
        again = [cache._cache.get_client(key, write=write) for key in "bcd" for write in (False, True)]
    assert all(client is first for client in again)
    assert build.call_count == 1


def test_each_pool_has_its_own_client():
    # Writes go to the first server, reads to the others: two pools, two clients, each on its pool.
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})
    writer, reader = cache._cache.get_client(write=True), cache._cache.get_client()
    assert writer is not reader
    assert writer.connection_pool is cache._cache._pools[0]
    assert reader.connection_pool is cache._cache._pools[1]
    assert cache._cache.get_client(write=True) is writer
    assert cache._cache.get_client() is reader


REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.skipif(not REDIS_URL.startswith("redis://"), reason="needs a Redis server (CELERY_BROKER_URL)")
def test_the_shared_client_serves_threads_at_once():
    # The broker's server, its database 12, under a prefix of this run's own: nothing else is touched.
    server = REDIS_URL.rsplit("/", 1)[0] + "/12"
    cache = FailOpenRedisCache(server, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("counter", 0, timeout=60)
    failures = []

    def count():
        try:
            for _ in range(50):
                cache.incr("counter")
                cache.set(f"own-{threading.get_ident()}", threading.get_ident(), timeout=60)
                assert cache.get(f"own-{threading.get_ident()}") == threading.get_ident()
        except Exception as error:  # asserted below: a thread's failure would otherwise be lost
            failures.append(error)

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cache.get("counter") == 200
    cache.delete_many(["counter", *(f"own-{thread.ident}" for thread in threads)])
