"""Driving interactions as Discord does: INTERACTION_CREATE over the gateway, then the bot's answer.

Each helper sends the event to the shard serving the guild and (by default) waits for the
bot's callback, returning an :class:`InteractionResult` to inspect and continue from.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .model import (
    ATTACH_FILES,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    USE_EXTERNAL_EMOJIS,
    VIEW_CHANNEL,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    SnowflakeFactory,
    User,
)

if TYPE_CHECKING:
    from .gateway import Gateway
    from .server import FakeDiscord

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SELECT_TYPES = {3, 5, 6, 7, 8}
# Interaction context types (where a command is used) and installation types (who installed it).
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1
CONTEXT_NAMES = {0: "a server", 1: "a DM with the bot", 2: "a group DM or another DM"}
# What an app may do where only a user installed it, or in a DM (Discord sends app_permissions).
PRIVATE_APP_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | USE_EXTERNAL_EMOJIS
)


class CommandUnavailable(LookupError):  # noqa: N818 - what Discord's picker shows: nothing
    """Discord would not offer this command here: not installed where it is used, or its
    ``contexts``/``integration_types`` leave this place out."""


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int | None
    guild_id: int | None
    sent_at: float = field(default_factory=time.monotonic)
    callback: dict[str, Any] | None = None
    callback_at: float | None = None
    late_callback: dict[str, Any] | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE to the bot's callback."""
        return None if self.callback_at is None else self.callback_at - self.sent_at


class InteractionResult:
    """What the bot did with one interaction."""

    def __init__(
        self, fake: FakeDiscord, record: InteractionRecord, user: Member | User, channel: Channel | None
    ):
        self.fake = fake
        self.record = record
        self.user = user
        self.channel = channel

    def __repr__(self) -> str:
        return f"<InteractionResult id={self.record.id} type={self.type} data={self.data!r}>"

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def type(self) -> int | None:
        """The callback type: 4 message, 5 deferred, 6 deferred update, 7 update, 8 choices, 9 modal."""
        return None if self.record.callback is None else self.record.callback["type"]

    @property
    def data(self) -> dict[str, Any]:
        return {} if self.record.callback is None else self.record.callback["data"]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (callback type 8)."""
        if self.type != 8:
            raise AssertionError(f"expected an autocomplete result (8), got callback type {self.type}")
        return list(self.data.get("choices", []))

    @property
    def ephemeral(self) -> bool:
        original = self.original
        if original is not None:
            return original.ephemeral
        return bool(self.data.get("flags", 0) & 64)

    @property
    def original(self) -> Message | None:
        """The current state of ``@original`` (the response message, with edits applied)."""
        return self.fake.messages.get(self.record.original_id or 0)

    def final_message(self) -> Message:
        """``@original`` after all edits; fails if the bot never produced one."""
        msg = self.original
        if msg is None:
            raise AssertionError(f"interaction {self.id} has no response message (callback type {self.type})")
        return msg

    async def wait(self, *, timeout: float = 10.0) -> InteractionResult:
        """Wait for the bot's callback."""
        await self.fake.wait_until(
            lambda: self.record.callback is not None or self.record.late_callback is not None,
            timeout=timeout,
            what=f"the bot to answer interaction {self.id} ({_describe(self.record.payload)})",
        )
        if self.record.callback is None:
            raise AssertionError(
                f"the bot answered interaction {self.id} after Discord's {self.fake.interaction_deadline}s window"
            )
        return self

    async def wait_final(self, *, timeout: float = 10.0) -> Message:
        """Wait until a deferred (type 5) response has been edited with the real answer."""
        await self.wait(timeout=timeout)
        return await self.fake.wait_until(
            lambda: m if (m := self.original) is not None and not m.deferred else None,
            timeout=timeout,
            what=f"interaction {self.id}'s deferred response to be edited",
        )

    async def followups(self, count: int = 1, *, timeout: float = 10.0) -> list[Message]:
        """Wait for at least ``count`` follow-up messages; return them all (oldest first)."""

        def ready() -> list[Message] | None:
            msgs = [self.fake.messages[i] for i in self.record.followup_ids]
            return msgs if len(msgs) >= count else None

        return await self.fake.wait_until(ready, timeout=timeout, what=f"{count} follow-up(s) to {self.id}")

    async def submit_modal(
        self,
        values: dict[str, Any],
        *,
        user: Member | User | None = None,
        timeout: float = 10.0,
        wait: bool = True,
    ) -> InteractionResult:
        """Fill in the modal this interaction opened (callback type 9) and submit it."""
        if self.type != 9:
            raise AssertionError(f"expected a modal (9), got callback type {self.type}")
        modal = self.data
        unknown = set(values) - set(_modal_inputs(modal["components"]))
        if unknown:
            raise ValueError(f"modal {modal['custom_id']!r} has no inputs {sorted(unknown)}")
        components = _fill_modal(modal["components"], values)
        return await self.fake.submit_modal(
            user or self.user,
            self.channel,
            modal["custom_id"],
            components=components,
            timeout=timeout,
            wait=wait,
        )

    async def click(
        self,
        custom_id: str,
        *,
        user: Member | User | None = None,
        values: list[str] | None = None,
        timeout: float = 10.0,
        wait: bool = True,
    ) -> InteractionResult:
        """Press a button (or pick select ``values``) on this interaction's response message."""
        return await self.fake.click(
            user or self.user, self.final_message(), custom_id, values=values, timeout=timeout, wait=wait
        )


class InteractionDriver:
    """Mixin for :class:`FakeDiscord`: helpers that act as a Discord user."""

    if TYPE_CHECKING:
        # What the mixin uses of its host, :class:`FakeDiscord` (which defines them all).
        snowflake: SnowflakeFactory
        bot_user: User
        application_id: int
        guilds: dict[int, Guild]
        private_channels: dict[int, Channel]
        user_installs: set[int]
        interactions: dict[int, InteractionRecord]
        gateway: Gateway

        def command(self, name: str, *, guild: Guild | int | None = None) -> dict[str, Any]: ...

        def _notify(self) -> None: ...

    async def slash(
        self,
        user: Member | User,
        channel: Channel,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        locale: str = "en-US",
        timeout: float = 10.0,
        wait: bool = True,
    ) -> InteractionResult:
        """Invoke ``/command`` (``"article add"`` for a subcommand) as ``user`` in ``channel``.

        ``channel`` is a server channel (``user`` is then the Member), or a DM or group DM from
        :meth:`add_dm`/:meth:`add_group_dm` (``user`` is then the User). Like Discord's command
        picker, this raises :class:`CommandUnavailable` where the command is not offered.
        ``options`` maps option names to values: str/int/float/bool, or fake objects for
        USER (User/Member), CHANNEL (Channel), ROLE (Role), MENTIONABLE and ATTACHMENT
        (from :meth:`add_attachment`). The command's id and option types come from what the bot synced.
        """
        data = self._command_data(user, channel, command, options or {}, focused=None)
        return await self._send_interaction(
            APPLICATION_COMMAND, data, user, channel, locale=locale, timeout=timeout, wait=wait
        )

    async def autocomplete(
        self,
        user: Member | User,
        channel: Channel,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        locale: str = "en-US",
        timeout: float = 10.0,
    ) -> InteractionResult:
        """Type into option ``focused`` of ``/command``; the result's ``choices`` are what the bot offered."""
        data = self._command_data(user, channel, command, options, focused=focused)
        return await self._send_interaction(AUTOCOMPLETE, data, user, channel, locale=locale, timeout=timeout)

    async def submit_modal(
        self,
        user: Member | User,
        channel: Channel | None,
        custom_id: str,
        values: dict[str, Any] | None = None,
        *,
        components: list[dict[str, Any]] | None = None,
        locale: str = "en-US",
        timeout: float = 10.0,
        wait: bool = True,
    ) -> InteractionResult:
        """Submit modal ``custom_id`` (prefer :meth:`InteractionResult.submit_modal`, which mirrors its layout)."""
        if components is None:
            components = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in (values or {}).items()
            ]
        data = {"custom_id": custom_id, "components": components}
        return await self._send_interaction(
            MODAL_SUBMIT, data, user, channel, locale=locale, timeout=timeout, wait=wait
        )

    async def click(
        self,
        user: Member | User,
        message: Message,
        custom_id: str,
        *,
        values: list[str] | None = None,
        locale: str = "en-US",
        timeout: float = 10.0,
        wait: bool = True,
    ) -> InteractionResult:
        """Press the button (or use the select menu) ``custom_id`` on ``message``."""
        component = _find_component(message.components, custom_id)
        if component is None:
            raise LookupError(f"message {message.id} has no component {custom_id!r}")
        if component.get("disabled"):
            raise AssertionError(
                f"component {custom_id!r} is disabled; Discord would not let a user press it"
            )
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in SELECT_TYPES:
            data["values"] = list(values or [])
        guild = self.guilds.get(message.guild_id or 0)
        channel = (
            guild.channels.get(message.channel_id) if guild else self.private_channels.get(message.channel_id)
        )
        return await self._send_interaction(
            MESSAGE_COMPONENT,
            data,
            user,
            channel,
            locale=locale,
            timeout=timeout,
            wait=wait,
            message=message,
        )

    # ---------------------------------------------------------------- building payloads
    def _command_data(
        self,
        user: Member | User,
        channel: Channel,
        command: str,
        options: dict[str, Any],
        *,
        focused: str | None,
    ) -> dict[str, Any]:
        parts = command.strip().lstrip("/").split()
        cmd = self.command(parts[0], guild=channel.guild_id)
        self._check_offered(cmd, user, channel)
        resolved: dict[str, dict[str, Any]] = {}
        schema: list[dict[str, Any]] = cmd.get("options") or []
        chain: list[dict[str, Any]] = []
        for name in parts[1:]:
            sub = next(
                (o for o in schema if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)),
                None,
            )
            if sub is None:
                raise LookupError(f"/{' '.join(parts)}: {name!r} is not a subcommand of the synced command")
            chain.append(sub)
            schema = sub.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
            raise ValueError(f"/{command} needs a subcommand: {[o['name'] for o in schema]}")
        guild = self.guilds.get(channel.guild_id or 0)
        leaf = []
        for name, value in options.items():
            spec = next((o for o in schema if o["name"] == name), None)
            if spec is None:
                raise LookupError(f"/{command} has no option {name!r}; it has {[o['name'] for o in schema]}")
            if name == focused:
                leaf.append({"name": name, "type": spec["type"], "value": str(value), "focused": True})
                continue
            leaf.append(
                {
                    "name": name,
                    "type": spec["type"],
                    "value": self._option_value(
                        guild, user, channel, otype=spec["type"], value=value, resolved=resolved
                    ),
                }
            )
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
            if missing:
                raise ValueError(f"/{command}: Discord would not send it without required options {missing}")
        elif focused not in options:
            raise ValueError(f"focused option {focused!r} must be in options")
        nested: list[dict[str, Any]] = leaf
        for sub in reversed(chain):
            nested = [{"name": sub["name"], "type": sub["type"], "options": nested}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": nested}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        guild: Guild | None,
        invoker: Member | User,
        channel: Channel,
        *,
        otype: int,
        value: Any,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        if otype == STRING:
            return str(value)
        if otype == INTEGER:
            return int(value)
        if otype == NUMBER:
            return float(value)
        if otype == BOOLEAN:
            return bool(value)
        if otype in (USER, MENTIONABLE) and isinstance(value, User | Member):
            user = value.user if isinstance(value, Member) else value
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            member = guild.members.get(user.id) if guild is not None else None
            if member is not None and guild is not None and isinstance(invoker, Member):
                perms = guild.permissions_in(member, channel)
                resolved.setdefault("members", {})[str(user.id)] = member.to_dict(
                    with_user=False, permissions=perms
                )
            return str(user.id)
        if otype in (ROLE, MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        if otype == CHANNEL and isinstance(value, Channel):
            if guild is None or not isinstance(invoker, Member):
                raise TypeError("channel options need a server (this fake has none for DMs)")
            cdata = value.to_dict()
            cdata["permissions"] = str(guild.permissions_in(invoker, value))
            resolved.setdefault("channels", {})[str(value.id)] = {
                k: v
                for k, v in cdata.items()
                if k in ("id", "name", "type", "permissions", "parent_id", "thread_metadata", "guild_id")
            }
            return str(value.id)
        if otype == ATTACHMENT and isinstance(value, Attachment):
            resolved.setdefault("attachments", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        raise TypeError(f"option type {otype} cannot take {value!r}")

    def _where(
        self, user: Member | User, channel: Channel | None
    ) -> tuple[int, dict[str, str], Guild | None]:
        """Discord's ``context``, ``authorizing_integration_owners`` and server for an
        interaction by ``user`` in ``channel``."""
        if channel is not None and channel.is_private:
            if isinstance(user, Member):
                raise TypeError("in a DM or group DM pass the User: there is no server member")
            if user.id not in {u.id for u in channel.recipients}:
                raise ValueError("the user must be a recipient of the DM")
            owners: dict[str, str] = {}
            with_bot = any(u.id == self.bot_user.id for u in channel.recipients)
            if with_bot:
                owners[str(GUILD_INSTALL)] = "0"  # "0": the bot's own DMs
            if user.id in self.user_installs:
                owners[str(USER_INSTALL)] = str(user.id)
            return (BOT_DM_CONTEXT if with_bot else PRIVATE_CHANNEL_CONTEXT), owners, None
        if isinstance(user, User):
            raise TypeError(
                "pass the Member (from add_member), not the User: interactions come from a member"
            )
        guild = self.guilds[user.guild_id]
        if channel is not None and channel.guild_id != guild.id:
            raise ValueError("the channel must be in the member's guild (interactions happen where they are)")
        owners = {}
        if self.bot_user.id in guild.members:
            owners[str(GUILD_INSTALL)] = str(guild.id)
        if user.id in self.user_installs:
            owners[str(USER_INSTALL)] = str(user.id)
        return GUILD_CONTEXT, owners, guild

    def _check_offered(self, cmd: dict[str, Any], user: Member | User, channel: Channel) -> None:
        """Discord offers a command only where it is installed and its contexts allow."""
        context, owners, _guild = self._where(user, channel)
        contexts = cmd.get("contexts")
        if contexts is None:  # not set: every context, or servers only with dm_permission false
            contexts = [0, 1, 2] if cmd.get("dm_permission", True) else [GUILD_CONTEXT]
        installs = cmd.get("integration_types") or [GUILD_INSTALL]
        if cmd.get("guild_id"):
            installs = [GUILD_INSTALL]  # a server's own commands are never user-installed
        if context not in contexts:
            raise CommandUnavailable(
                f"Discord would not offer /{cmd['name']} in {CONTEXT_NAMES[context]}: its contexts are {contexts}"
            )
        if not any(int(kind) in installs for kind in owners):
            raise CommandUnavailable(
                f"Discord would not offer /{cmd['name']} in {CONTEXT_NAMES[context]}: installed as "
                f"{sorted(int(k) for k in owners) or 'nothing here'}, the command allows {installs}"
            )

    async def _send_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        user: Member | User,
        channel: Channel | None,
        *,
        locale: str,
        timeout: float,
        wait: bool = True,
        message: Message | None = None,
    ) -> InteractionResult:
        context, owners, guild = self._where(user, channel)
        if guild is not None and isinstance(user, Member):
            perms = guild.permissions_in(user, channel)
            if self.bot_user.id in guild.members:
                app_perms = guild.permissions_in(guild.members[self.bot_user.id], channel)
            else:
                # Only the user installed the app here: it gets what @everyone may do, at most.
                everyone = Member(User(0, "@everyone"), guild.id)
                app_perms = guild.permissions_in(everyone, channel) & PRIVATE_APP_PERMISSIONS
        else:
            perms = app_perms = PRIVATE_APP_PERMISSIONS
        iid = self.snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(60)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "app_permissions": str(app_perms),
            "locale": locale,
            "entitlements": [],
            "authorizing_integration_owners": owners,
            "context": context,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None and isinstance(user, Member):
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": guild.preferred_locale, "features": []}
            payload["guild_locale"] = guild.preferred_locale
            payload["member"] = user.to_dict(permissions=perms)
        else:
            payload["user"] = user.to_dict() if isinstance(user, User) else user.user.to_dict()
        if channel is not None:
            payload["channel_id"] = str(channel.id)
            payload["channel"] = channel.to_dict(
                viewer=self.bot_user.id if context == BOT_DM_CONTEXT else user.id
            )
        if message is not None:
            payload["message"] = message.to_dict()
        record = InteractionRecord(
            iid, token, itype, payload, channel.id if channel else None, guild.id if guild else None
        )
        if message is not None:
            record.original_id = message.id
        self.interactions[iid] = record
        record.sent_at = time.monotonic()
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild.id if guild else None)
        self._notify()
        host = cast("FakeDiscord", self)  # the mixin's only host
        result = InteractionResult(host, record, user, channel)
        if wait:
            await result.wait(timeout=timeout)
        return result


# ---------------------------------------------------------------- component helpers
def _children(component: dict[str, Any]) -> list[dict[str, Any]]:
    kids = list(component.get("components") or [])
    for key in ("accessory", "component"):
        if component.get(key):
            kids.append(component[key])
    return kids


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        found = _find_component(_children(comp), custom_id)
        if found is not None:
            return found
    return None


def _modal_inputs(components: list[dict[str, Any]]) -> list[str]:
    names = []
    for comp in components:
        if comp.get("type") == 4 or comp.get("type") in SELECT_TYPES:
            names.append(comp["custom_id"])
        names.extend(_modal_inputs(_children(comp)))
    return names


def _fill_modal(components: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted shape of a modal: same rows/labels, inputs carrying the user's values."""
    out = []
    for comp in components:
        ctype = comp.get("type")
        if ctype == 1:
            out.append({"type": 1, "components": _fill_modal(comp.get("components") or [], values)})
        elif ctype == 18:
            inner = _fill_modal([comp["component"]], values)
            out.append({"type": 18, "component": inner[0]} if inner else {"type": 18})
        elif ctype == 4:
            out.append(
                {
                    "type": 4,
                    "custom_id": comp["custom_id"],
                    "value": str(values.get(comp["custom_id"], comp.get("value") or "")),
                }
            )
        elif ctype in SELECT_TYPES:
            vals = values.get(comp["custom_id"], [])
            out.append(
                {
                    "type": ctype,
                    "custom_id": comp["custom_id"],
                    "values": [str(v) for v in (vals if isinstance(vals, list) else [vals])],
                }
            )
    return out


def _describe(payload: dict[str, Any]) -> str:
    data = payload.get("data") or {}
    return str(data.get("name") or data.get("custom_id") or payload.get("type"))
