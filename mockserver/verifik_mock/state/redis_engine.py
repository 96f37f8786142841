"""``--store redis://HOST:PORT/DB``: tenants in Redis, so any number of ``serve`` processes,
on any number of machines, serve one state.

Each tenant's keys share a hash tag (``vm:{client}:...``): its records (a hash of JSON by
``kind/id``), the order they were first written (a sorted set by ``seq``), the turn that last
wrote each (a sorted set, for "what changed since"), its sent emails, and its small values.
A write turn holds a lock with a lease (``SET NX PX``: a replica killed mid-turn holds it no
longer than the lease), and its rows are written by one Lua script that first checks the
lock is still this turn's and the version still the one it read: a write is all or nothing,
and never lands on top of another's. Reads run as one script too, so they see one snapshot.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis

from verifik_mock.errors import StoreUnavailableError
from verifik_mock.models.control import JournalEntry, WebhookDelivery
from verifik_mock.state.engine import DELIVERIES_KEPT, Version
from verifik_mock.state.rows import RecordRow, TenantRows

Result = TypeVar("Result")

LEASE_MS = 5000
"""How long a write turn's lock lasts unless given back: far beyond a turn (milliseconds),
and how long a tenant waits at most after the replica holding its lock was killed."""
_BATCH = 2000
"""Rows a whole tenant's write sends at a time."""
_STAGING_SECONDS = 600
"""How long a whole write's staged rows outlive a replica that died before publishing them."""
_SEPARATOR = "\x1f"
_PREFIX = "vm:"

_WRITE = """
if redis.call('GET', KEYS[6]) ~= ARGV[1] then return redis.error_reply('LOCK_LOST') end
local stored = redis.call('HMGET', KEYS[1], 'generation', 'turns', 'next_seq', 'emails')
if stored[1] ~= ARGV[2] or tonumber(stored[2]) ~= tonumber(ARGV[3]) then return false end
local generation, turns = stored[1], tonumber(stored[2]) + 1
local next_seq, emails = tonumber(stored[3]), tonumber(stored[4])
local records = tonumber(ARGV[5])
local at = 6
for _ = 1, records do
  local key, body = ARGV[at], ARGV[at + 1]
  if redis.call('HSET', KEYS[2], key, body) == 1 then
    redis.call('ZADD', KEYS[3], next_seq, key)
    next_seq = next_seq + 1
  end
  redis.call('ZADD', KEYS[4], turns, key)
  at = at + 2
end
while at <= #ARGV do
  redis.call('ZADD', KEYS[5], turns, string.format('%012d', emails) .. '\\31' .. ARGV[at])
  emails = emails + 1
  at = at + 1
end
redis.call('HSET', KEYS[1], 'turns', turns, 'next_seq', next_seq, 'emails', emails,
  'values', ARGV[4])
return {generation, turns}
"""

_PUBLISH = """
if redis.call('GET', KEYS[6]) ~= ARGV[1] then return redis.error_reply('LOCK_LOST') end
local stored = redis.call('HMGET', KEYS[1], 'generation', 'turns')
if (stored[1] or '') ~= ARGV[2] or tonumber(stored[2] or '-1') ~= tonumber(ARGV[3]) then
  return false
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
for i = 2, 5 do
  if redis.call('EXISTS', KEYS[i + 5]) == 1 then redis.call('RENAME', KEYS[i + 5], KEYS[i]) end
end
redis.call('HSET', KEYS[1], 'generation', ARGV[4], 'turns', 0, 'next_seq', ARGV[5],
  'emails', ARGV[6], 'values', ARGV[7])
return {ARGV[4], 0}
"""

_READ = """
local stored = redis.call('HMGET', KEYS[1], 'generation', 'turns', 'values')
if not stored[1] then return false end
local after = '(' .. ARGV[1]
if stored[1] ~= ARGV[2] then after = '-inf' end
local keys = redis.call('ZRANGEBYSCORE', KEYS[4], after, '+inf')
local records = {}
for _, key in ipairs(keys) do
  table.insert(records, key)
  table.insert(records, redis.call('ZSCORE', KEYS[3], key))
  table.insert(records, redis.call('HGET', KEYS[2], key))
end
local emails = redis.call('ZRANGEBYSCORE', KEYS[5], after, '+inf')
return {stored[1], stored[2], stored[3], records, emails}
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


_CLAIM_AGAIN = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_JOURNAL = f"{_PREFIX}journal"
_PENDING = f"{_PREFIX}pending-deliveries"
_TENANT_KEYS = {"tenant", "records", "order", "changes", "emails"}


def _delivery_keys(client: str) -> tuple[str, str]:
    """The client's deliveries by id, and their order."""
    tag = f"{_PREFIX}{{{client}}}:"
    return f"{tag}deliveries", f"{tag}delivery-order"


def _staging_keys(client_id: str, generation: str) -> list[str]:
    """Where a whole write stages the tenant's records, order, changes and emails."""
    tag = f"{_PREFIX}{{{client_id}}}:staging:{generation}:"
    return [f"{tag}{name}" for name in ("records", "order", "changes", "emails")]


def _keys(client_id: str) -> list[str]:
    """The tenant's keys, in the scripts' KEYS order, one hash tag so one cluster slot."""
    tag = f"{_PREFIX}{{{client_id}}}:"
    return [f"{tag}{name}" for name in ("tenant", "records", "order", "changes", "emails", "lock")]


class RedisEngine:
    """Tenants in one Redis database, shared by every replica that names it."""

    shared = True
    keeps_records = True

    def __init__(self, url: str, journal_size: int = 1000) -> None:
        self._journal_size = journal_size
        self._redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
        self._write = self._redis.register_script(_WRITE)
        self._publish = self._redis.register_script(_PUBLISH)
        self._read = self._redis.register_script(_READ)
        self._unlock = self._redis.register_script(_UNLOCK)
        self._claim_again = self._redis.register_script(_CLAIM_AGAIN)
        self._locks: dict[str, str] = {}
        """The lock token of each tenant this process holds the lock of."""

    def check(self) -> None:
        """Answer, or raise StoreUnavailableError saying why: ``serve`` asks before binding."""
        self._call(self._redis.ping)

    def version(self, client_id: str) -> Version | None:
        """The tenant's stored version; None if it is not stored."""
        generation, turns = self._call(
            lambda: self._redis.hmget(_keys(client_id)[0], "generation", "turns")
        )
        return Version(str(generation), int(str(turns))) if generation else None

    def read(self, client_id: str, since: Version | None) -> tuple[Version, TenantRows] | None:
        """The rows written after ``since`` (all when it is None or of another generation)."""
        after, generation = (since.turns, since.generation) if since else (-1, "")
        found = self._call(lambda: self._read(keys=_keys(client_id), args=[after, generation]))
        if not found:
            return None
        stored_generation, turns, values, flat, emails = found
        records = sorted(
            (int(flat[at + 1]), flat[at], flat[at + 2]) for at in range(0, len(flat), 3)
        )
        rows = TenantRows(
            values=values,
            records=[_record_row(key, body) for _, key, body in records],
            emails=[email.partition(_SEPARATOR)[2] for email in emails],
        )
        return Version(stored_generation, int(turns)), rows

    def try_lock(self, client_id: str) -> bool:
        """Take the tenant's lock for a lease, if no replica holds it."""
        token = secrets.token_hex(16)
        lock = _keys(client_id)[5]
        if not self._call(lambda: self._redis.set(lock, token, nx=True, px=LEASE_MS)):
            return False
        self._locks[client_id] = token
        return True

    def unlock(self, client_id: str) -> None:
        """Give the lock back, if it is still this turn's (a lease that ran out is not)."""
        token = self._locks.pop(client_id, None)
        if token is not None:
            self._call(lambda: self._unlock(keys=[_keys(client_id)[5]], args=[token]))

    def hold(self, client_id: str, seconds: float) -> None:
        """Lengthen the lock's lease to ``seconds``, if it is still this turn's."""
        lock, token = _keys(client_id)[5], self._locks.get(client_id, "")
        self._call(lambda: self._claim_again(keys=[lock], args=[token, int(seconds * 1000)]))

    def write(
        self, client_id: str, expected: Version | None, rows: TenantRows, whole: bool
    ) -> Version | None:
        """Store a turn's rows if the stored version is still ``expected`` and the lock still
        this turn's (else StoreUnavailableError: the lease ran out mid-turn)."""
        if whole or expected is None:
            return self._write_whole(client_id, expected, rows)
        records = [part for row in rows.records for part in (_key(row), _body(row))]
        args: list[str | int] = [
            self._locks.get(client_id, ""), expected.generation, expected.turns, rows.values,
            len(rows.records), *records, *rows.emails,
        ]  # fmt: skip
        written = self._run(client_id, lambda: self._write(keys=_keys(client_id), args=args))
        return Version(written[0], int(written[1])) if written else None

    def _write_whole(
        self, client_id: str, expected: Version | None, rows: TenantRows
    ) -> Version | None:
        """Store a whole tenant: its rows in batches under keys of their own, then, in one
        script, those keys renamed into place and the tenant's values set. Redis is never
        held for the whole world (200,000 rows with ``--seed-validations 100000``), and a
        reader sees the old tenant or the new one, never a part."""
        generation = secrets.token_hex(8)
        staging = _staging_keys(client_id, generation)
        records, order, changes, emails = staging
        for start in range(0, len(rows.records), _BATCH):
            batch = rows.records[start : start + _BATCH]
            pipe = self._redis.pipeline(transaction=False)
            pipe.hset(records, mapping={_key(row): _body(row) for row in batch})
            pipe.zadd(order, {_key(row): start + at for at, row in enumerate(batch)})
            pipe.zadd(changes, dict.fromkeys((_key(row) for row in batch), 0))
            for key in (records, order, changes):
                pipe.expire(key, _STAGING_SECONDS)
            self._call(pipe.execute)
        if rows.emails:
            sent = {f"{at:012d}{_SEPARATOR}{body}": 0 for at, body in enumerate(rows.emails)}
            self._call(lambda: self._redis.zadd(emails, sent))
        args: list[str | int] = [
            self._locks.get(client_id, ""), expected.generation if expected else "",
            expected.turns if expected else -1, generation, len(rows.records),
            len(rows.emails), rows.values,
        ]  # fmt: skip
        keys = [*_keys(client_id), *staging]
        published = self._run(client_id, lambda: self._publish(keys=keys, args=args))
        if not published:
            self._call(lambda: self._redis.delete(*staging))
            return None
        return Version(published[0], int(published[1]))

    def _run(self, client_id: str, script: Callable[[], Result]) -> Result:
        """Run a write script; a lock that ran out mid-turn is StoreUnavailableError."""
        try:
            return self._call(script)
        except redis.ResponseError as error:
            raise StoreUnavailableError(f"tenant {client_id}: {error}") from None

    def seed(self, client_id: str) -> int | None:
        """The seed a reset set for the tenant, if any."""
        seed = self._call(lambda: self._redis.hget(f"{_PREFIX}seeds", client_id))
        return int(seed) if seed is not None else None

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant (recording its new seed, if any), or every tenant."""
        if client_id is None:
            keys = self._call(lambda: list(self._redis.scan_iter(f"{_PREFIX}{{*")))
            tenants = [key for key in keys if key.rpartition(":")[2] in _TENANT_KEYS]
            self._call(lambda: self._redis.delete(f"{_PREFIX}seeds", *tenants))
            return
        pipe = self._redis.pipeline()
        pipe.delete(*_keys(client_id)[:5])
        if seed is None:
            pipe.hdel(f"{_PREFIX}seeds", client_id)
        else:
            pipe.hset(f"{_PREFIX}seeds", client_id, seed)
        self._call(pipe.execute)

    def journal_add(self, entries: list[dict[str, Any]]) -> None:
        """Add entries to the journal every replica shares, in one round trip, keeping its
        size."""
        texts = [JournalEntry.model_validate(f).model_dump_json(exclude_none=True) for f in entries]
        pipe = self._redis.pipeline(transaction=False)
        pipe.lpush(_JOURNAL, *texts)
        pipe.ltrim(_JOURNAL, 0, self._journal_size - 1)
        self._call(pipe.execute)

    def journal_newest(self, client: str | None, limit: int) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""
        found: list[JournalEntry] = []
        for text in self._call(lambda: self._redis.lrange(_JOURNAL, 0, -1)):
            entry = JournalEntry.model_validate_json(text)
            if client is None or entry.client == client:
                found.append(entry)
                if len(found) == limit:
                    break
        return found

    def delivery_number(self) -> int:
        """The next number of the count every replica shares."""
        return int(self._call(lambda: self._redis.incr(f"{_PREFIX}delivery-numbers")))

    def delivery_put(self, delivery: WebhookDelivery) -> None:
        """Keep a new or changed delivery, dropping the client's oldest past the limit."""
        kept, order = _delivery_keys(delivery.client)
        member = f"{delivery.client}{_SEPARATOR}{delivery.id}"
        pipe = self._redis.pipeline()
        pipe.hset(kept, delivery.id, delivery.model_dump_json())
        pipe.zadd(order, {delivery.id: time.time()}, nx=True)
        if delivery.state == "pending":
            pipe.sadd(_PENDING, member)
        else:
            pipe.srem(_PENDING, member)
        pipe.zrange(order, 0, -DELIVERIES_KEPT - 1)
        dropped = self._call(pipe.execute)[-1]
        if dropped:
            pipe = self._redis.pipeline()
            pipe.zrem(order, *dropped)
            pipe.hdel(kept, *dropped)
            pipe.srem(_PENDING, *(f"{delivery.client}{_SEPARATOR}{d}" for d in dropped))
            self._call(pipe.execute)

    def delivery_get(self, client: str, delivery_id: str) -> WebhookDelivery | None:
        """One of the client's deliveries, if it is kept."""
        text = self._call(lambda: self._redis.hget(_delivery_keys(client)[0], delivery_id))
        return WebhookDelivery.model_validate_json(text) if text else None

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""
        kept, order = _delivery_keys(client)
        ids = [str(i) for i in self._call(lambda: self._redis.zrevrange(order, 0, -1))]
        texts = self._call(lambda: self._redis.hmget(kept, ids)) if ids else []
        return [WebhookDelivery.model_validate_json(text) for text in texts if text]

    def deliveries_forget(self, client: str | None) -> None:
        """Drop one client's deliveries, or every client's."""
        pending = self._pending()
        clients = [client] if client is not None else self._clients_with_deliveries()
        for name in clients:
            gone = [m for m in pending if m.partition(_SEPARATOR)[0] == name]
            pipe = self._redis.pipeline()
            pipe.delete(*_delivery_keys(name))
            if gone:
                pipe.srem(_PENDING, *gone)
            self._call(pipe.execute)

    def _clients_with_deliveries(self) -> list[str]:
        keys = self._call(lambda: list(self._redis.scan_iter(f"{_PREFIX}{{*}}:deliveries")))
        return [key[len(_PREFIX) + 1 : key.rindex("}")] for key in keys]

    def delivery_claim(self, delivery_id: str, owner: str, seconds: float) -> bool:
        """Make ``owner`` the replica delivering it, unless another's claim still runs."""
        claim, lease = f"{_PREFIX}claim:{delivery_id}", int(seconds * 1000)
        if self._call(lambda: self._redis.set(claim, owner, nx=True, px=lease)):
            return True
        return bool(self._call(lambda: self._claim_again(keys=[claim], args=[owner, lease])))

    def pending_deliveries(self) -> list[WebhookDelivery]:
        """Pending deliveries whose claim lapsed (their replica died), of every client."""
        found = []
        for member in self._pending():
            client, _, delivery_id = member.partition(_SEPARATOR)
            claim = f"{_PREFIX}claim:{delivery_id}"
            if self._call(lambda: self._redis.exists(claim)):  # noqa: B023 (called at once)
                continue
            delivery = self.delivery_get(client, delivery_id)
            if delivery is not None and delivery.state == "pending":
                found.append(delivery)
        return found

    def _pending(self) -> list[str]:
        """The pending deliveries, as ``client<US>id``."""
        return [str(member) for member in self._call(lambda: self._redis.smembers(_PENDING))]

    def close(self) -> None:
        """Close the connections."""
        self._redis.close()

    def _call(self, command: Callable[[], Result]) -> Result:
        """Run a command; Redis unreachable becomes StoreUnavailableError (503)."""
        try:
            return command()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            raise StoreUnavailableError(f"Redis did not answer: {error}") from None


def _key(row: RecordRow) -> str:
    return f"{row.kind}/{row.id}"


def _body(row: RecordRow) -> str:
    return f"{row.created_at}{_SEPARATOR}{row.body}"


def _record_row(key: str, stored: str) -> RecordRow:
    kind, _, record_id = key.partition("/")
    created_at, _, body = stored.partition(_SEPARATOR)
    return RecordRow(kind, record_id, created_at, body)


def redis_problem(url: str) -> str | None:
    """Why ``url`` cannot be served from, in a few words; None if it can."""
    try:
        engine = RedisEngine(url)
    except ValueError as error:
        return f"it is not a Redis URL ({error})"
    try:
        engine.check()
    except StoreUnavailableError as error:
        return str(error)
    finally:
        engine.close()
    return None
