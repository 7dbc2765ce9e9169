"""The Redis cache backend with one client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every cache call, and
redis-py builds its table of ~170 response callbacks in each: on deadline day that was
the largest part of the session read every signed-in request makes through the cache.
A `redis.Redis` is safe to share (the pool hands out connections, and starts afresh in a
forked worker), so here each pool has one."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
