"""The Redis cache backend (core/cache.py) keeps one client per connection pool."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCacheClient as DjangoClient

from core.cache import RedisCache


def test_the_redis_cache_reuses_its_client():
    cache = RedisCache("redis://127.0.0.1:1/0", {})  # nothing is sent: clients are lazy
    client = cache._cache.get_client()
    assert cache._cache.get_client("a key") is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    assert isinstance(cache._cache, DjangoClient)
    assert client.connection_pool is cache._cache._get_connection_pool(False)
