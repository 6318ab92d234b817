"""The fake gateway: sessions, compression, HELLO/IDENTIFY/READY/RESUME and dispatch.

A :class:`GatewaySession` outlives its websocket connections, as on Discord: every dispatch
gets a sequence number and is kept, so a client that RESUMEs gets what it missed replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALIDATE_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

GUILD_MEMBERS_INTENT = 1 << 1
INVALID_SHARD = 4010
# Discord lets each rate-limit bucket (shard_id % max_concurrency) IDENTIFY once per window.
IDENTIFY_WINDOW = 5.0


def process_of(headers: Mapping[str, str]) -> int | None:
    """The pid a launched bot process sends with its requests (``patch.tag_process``);
    None for a client in the test's own process."""
    value = headers.get("X-Fake-Process", "")
    return int(value) if value.isdigit() else None


class _Compressor:
    """Per-connection transport compression, as negotiated by the ``compress`` query parameter."""

    def __init__(self, kind: str | None) -> None:
        self.kind = kind
        self._zlib = zlib.compressobj() if kind == "zlib-stream" else None
        self._zstd: Any = None
        if kind == "zstd-stream":
            try:
                import zstandard
            except ImportError:  # the client only asks for zstd when it can decode it
                self.kind = None
            else:
                self._zstd = zstandard.ZstdCompressor().compressobj()
                self._zstd_flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    async def send(self, ws: web.WebSocketResponse, text: str) -> None:
        raw = text.encode()
        if self._zlib is not None:
            await ws.send_bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
        elif self._zstd is not None:
            await ws.send_bytes(self._zstd.compress(raw) + self._zstd.flush(self._zstd_flush))
        else:
            await ws.send_str(text)


@dataclass
class Connection:
    """One websocket connection (a session may have many over its life)."""

    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    compressor: _Compressor
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    session: GatewaySession | None = None
    closed: bool = False
    process: int | None = None  # the launched bot process that connected (see ``process_of``)


@dataclass(frozen=True)
class IdentifyRecord:
    """One IDENTIFY as it arrived: when (``time.monotonic()``), for which shard, from which
    process, and whether it started a session (False: refused for going too fast)."""

    at: float
    shard_id: int
    shard_count: int
    process: int | None
    accepted: bool


@dataclass
class GatewaySession:
    session_id: str
    shard_id: int | None
    shard_count: int | None
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    invalidated: bool = False
    resumes: int = 0
    process: int | None = None

    @property
    def shard(self) -> int:
        return self.shard_id or 0

    def dispatch(self, event: str, data: Any) -> int:
        """Queue a DISPATCH; kept for replay, sent now if a connection is open."""
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.history.append(payload)
        if self.connection is not None and not self.connection.closed:
            self.connection.outbox.put_nowait(payload)
        return self.seq


class Gateway:
    """Websocket endpoint and session registry for one :class:`FakeDiscord`."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[Connection] = []
        self.identifies: list[dict[str, Any]] = []
        self.identify_log: list[IdentifyRecord] = []
        self._last_identify: dict[int, float] = {}  # rate-limit bucket -> monotonic time
        self.resume_attempts: list[dict[str, Any]] = []
        self.heartbeat_interval_ms = 41_250
        self.heartbeats = 0

    # --- session lookup ---------------------------------------------------------------------
    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalidated]

    def session_for_shard(self, shard_id: int) -> GatewaySession:
        for session in reversed(list(self.sessions.values())):
            if not session.invalidated and session.shard == shard_id:
                return session
        raise LookupError(f"no gateway session for shard {shard_id}")

    def session_for_guild(self, guild_id: int | None) -> GatewaySession:
        if guild_id is None:
            return self.session_for_shard(0)
        count = self.fake.shard_count
        for session in reversed(list(self.sessions.values())):
            if session.invalidated:
                continue
            if not session.shard_count or (guild_id >> 22) % session.shard_count == session.shard:
                return session
        raise LookupError(f"no gateway session serves guild {guild_id} (shard_count={count})")

    def guild_in_session(self, session: GatewaySession, guild_id: int) -> bool:
        if not session.shard_count:
            return True
        return (guild_id >> 22) % session.shard_count == session.shard

    def dispatch(
        self, event: str, data: Any, *, guild_id: int | None = None, shard_id: int | None = None
    ) -> int:
        if shard_id is not None:
            return self.session_for_shard(shard_id).dispatch(event, data)
        return self.session_for_guild(guild_id).dispatch(event, data)

    def broadcast(self, event: str, data: Any) -> None:
        for session in self.live_sessions():
            session.dispatch(event, data)

    # --- websocket handler ------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(
            ws=ws,
            path=request.path,
            query=dict(request.query),
            compressor=_Compressor(request.query.get("compress")),
            process=process_of(request.headers),
        )
        self.connections.append(conn)
        self.fake._notify()
        writer = asyncio.create_task(self._writer(conn))
        conn.outbox.put_nowait({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_message(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await self._on_message(conn, json.loads(msg.data.decode()))
                else:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            conn.closed = True
            conn.outbox.put_nowait(None)
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(writer, 5)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self.fake._notify()
        return ws

    async def _writer(self, conn: Connection) -> None:
        while True:
            payload = await conn.outbox.get()
            if payload is None or conn.ws.closed:
                return
            try:
                await conn.compressor.send(conn.ws, json.dumps(payload))
            except (ConnectionResetError, RuntimeError):
                return

    async def _on_message(self, conn: Connection, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        data: Any = msg.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            conn.outbox.put_nowait({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(conn, data)
        elif op == RESUME:
            self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            self._request_members(conn, data)
        elif op in (PRESENCE, VOICE_STATE):
            pass
        else:
            log.debug("fake gateway ignoring op %s", op)
        self.fake._notify()

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.fake.token:
            self._close_soon(conn, 4004)
            return
        shard = data.get("shard")
        shard_id, shard_count = (shard[0], shard[1]) if shard else (None, None)
        if shard is not None and not (
            isinstance(shard_id, int) and isinstance(shard_count, int) and 0 <= shard_id < shard_count
        ):
            self._close_soon(conn, INVALID_SHARD)
            return
        now = time.monotonic()
        bucket = (shard_id or 0) % max(1, self.fake.max_concurrency)
        last = self._last_identify.get(bucket)
        too_soon = last is not None and now - last < self.fake.identify_window
        self.identify_log.append(
            IdentifyRecord(
                now,
                shard_id or 0,
                shard_count or 1,
                conn.process,
                accepted=not (too_soon and self.fake.enforce_identify_concurrency),
            )
        )
        if too_soon and self.fake.enforce_identify_concurrency:
            # As Discord answers an IDENTIFY beyond max_concurrency: start again later.
            conn.outbox.put_nowait({"op": INVALIDATE_SESSION, "d": False})
            return
        self._last_identify[bucket] = now
        self.identifies.append(data)
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            shard_id=shard_id,
            shard_count=shard_count,
            intents=int(data.get("intents", 0)),
            identify=data,
            process=conn.process,
        )
        # an IDENTIFY for a shard replaces any older session of that shard
        for old in self.sessions.values():
            if old.shard == session.shard:
                old.invalidated = True
        self.sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        # Only the servers the bot is in: a user install brings none.
        guilds = [
            g
            for g in self.fake.guilds.values()
            if self.fake.bot_user.id in g.members and self.guild_in_session(session, g.id)
        ]
        ready: dict[str, Any] = {
            "v": 10,
            "user": self.fake.bot_user.to_dict(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.fake.resume_gateway_url,
            "application": {"id": str(self.fake.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth_session_id_hash": "fake",
            "_trace": ["fake-discord"],
        }
        if shard is not None:
            ready["shard"] = [shard_id, shard_count]
        session.dispatch("READY", ready)
        for guild in guilds:
            session.dispatch("GUILD_CREATE", self.fake.guild_create_payload(guild, session.intents))

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        self.resume_attempts.append({"path": conn.path, **data})
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or session.invalidated or data.get("token") != self.fake.token:
            conn.outbox.put_nowait({"op": INVALIDATE_SESSION, "d": False})
            return
        seq = data.get("seq") or 0
        old = session.connection
        if old is not None and old is not conn:
            self._close_soon(old, 4000)
        session.connection = conn
        conn.session = session
        session.resumes += 1
        for payload in session.history:
            if payload["s"] > seq:
                conn.outbox.put_nowait(payload)
        session.seq += 1
        resumed = {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["fake-discord"]}}
        session.history.append(resumed)
        conn.outbox.put_nowait(resumed)

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        guild = self.fake.guilds.get(int(data["guild_id"]))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_dict() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _close_soon(self, conn: Connection, code: int) -> None:
        conn.closed = True
        conn.outbox.put_nowait(None)
        task = asyncio.ensure_future(conn.ws.close(code=code))
        self.fake._background.add(task)
        task.add_done_callback(self.fake._background.discard)

    # --- checks for tests -------------------------------------------------------------------
    def identify_bursts(self) -> list[tuple[IdentifyRecord, IdentifyRecord]]:
        """Pairs of IDENTIFYs of one rate-limit bucket less than ``fake.identify_window``
        seconds apart (what Discord's ``max_concurrency`` forbids), refused or not."""
        window = self.fake.identify_window
        concurrency = max(1, self.fake.max_concurrency)
        last: dict[int, IdentifyRecord] = {}
        bursts = []
        for record in self.identify_log:
            bucket = record.shard_id % concurrency
            before = last.get(bucket)
            if before is not None and record.at - before.at < window:
                bursts.append((before, record))
            last[bucket] = record
        return bursts

    # --- controls for tests -----------------------------------------------------------------
    async def drop(self, shard_id: int = 0, *, code: int = 4000) -> None:
        """Close the shard's websocket the way a network blip or a Discord restart does."""
        session = self.session_for_shard(shard_id)
        conn = session.connection
        if conn is None:
            raise LookupError(f"shard {shard_id} is not connected")
        session.connection = None
        conn.closed = True
        conn.outbox.put_nowait(None)
        await conn.ws.close(code=code)

    def send_op(self, shard_id: int, op: int, data: Any = None) -> None:
        session = self.session_for_shard(shard_id)
        if session.connection is None:
            raise LookupError(f"shard {shard_id} is not connected")
        session.connection.outbox.put_nowait({"op": op, "d": data})

    def invalidate(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        session = self.session_for_shard(shard_id)
        if session.connection is None:
            raise LookupError(f"shard {shard_id} is not connected")
        if not resumable:
            session.invalidated = True
        session.connection.outbox.put_nowait({"op": INVALIDATE_SESSION, "d": resumable})
