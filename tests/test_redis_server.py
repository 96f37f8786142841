"""The Redis harness: a real redis-server per worker, emptied per test, that can go away."""

from __future__ import annotations

import pytest
import redis

from tests.redis_server import RedisServer


def test_a_value_set_is_read_back(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.set("verifik-mock:greeting", "hello")
        assert client.get("verifik-mock:greeting") == b"hello"


def test_each_test_starts_with_an_empty_database(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() == 0


def test_after_stop_a_connection_is_refused() -> None:
    with RedisServer() as server, server.client() as client:
        server.stop()
        with pytest.raises(redis.exceptions.ConnectionError):
            client.ping()


def test_after_start_again_it_answers_ping_on_the_same_url() -> None:
    with RedisServer() as server, server.client() as client:
        server.stop()
        server.start()
        assert client.ping()
