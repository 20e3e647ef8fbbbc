"""`python -m phone provision`: the inbound trunk and dispatch rule a real livekit-sip needs.

Against a LiveKit deployment with SIP enabled (LiveKit Cloud, or a self-hosted server with
livekit-sip and Redis), this creates what the local gateway does by itself: every call to
the clinic's number goes to a new room `clinic-phone-<random>` with `clinic-receptionist`
dispatched into it. The request building is pure (unit-tested without a network).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from livekit import api
from livekit.protocol import sip as sip_proto

from agent.name import DEFAULT_AGENT_NAME
from phone.options import GatewayOptions


@dataclass(frozen=True)
class TrunkPlan:
    numbers: tuple[str, ...]  # the clinic's DID(s) as the carrier sends them, E.164
    allowed_addresses: tuple[str, ...] = ()  # carrier signalling IPs/CIDRs; empty = any
    auth_username: str = ""
    auth_password: str = ""
    name: str = "clinic inbound"
    room_prefix: str = "clinic-phone-"
    agent_name: str = DEFAULT_AGENT_NAME
    krisp: bool = False  # LiveKit Cloud noise filter; off to match the local pipeline


def trunk_request(plan: TrunkPlan) -> sip_proto.CreateSIPInboundTrunkRequest:
    if not plan.numbers:
        raise ValueError("an inbound trunk needs at least one phone number (SIP_TRUNK_NUMBER)")
    if bool(plan.auth_username) != bool(plan.auth_password):
        raise ValueError("set both auth username and password, or neither")
    trunk = sip_proto.SIPInboundTrunkInfo(
        name=plan.name,
        numbers=list(plan.numbers),
        allowed_addresses=list(plan.allowed_addresses),
        auth_username=plan.auth_username,
        auth_password=plan.auth_password,
        krisp_enabled=plan.krisp,
    )
    return sip_proto.CreateSIPInboundTrunkRequest(trunk=trunk)


def dispatch_request(plan: TrunkPlan, trunk_id: str) -> sip_proto.CreateSIPDispatchRuleRequest:
    """One room per call (`Individual`), the receptionist dispatched via room config."""
    rule = sip_proto.SIPDispatchRule(
        dispatch_rule_individual=sip_proto.SIPDispatchRuleIndividual(room_prefix=plan.room_prefix)
    )
    room_config = api.RoomConfiguration(
        agents=[
            api.RoomAgentDispatch(
                agent_name=plan.agent_name, metadata=json.dumps({"channel": "phone"})
            )
        ]
    )
    return sip_proto.CreateSIPDispatchRuleRequest(
        dispatch_rule=sip_proto.SIPDispatchRuleInfo(
            name=f"{plan.name} → {plan.agent_name}",
            rule=rule,
            trunk_ids=[trunk_id],
            room_config=room_config,
        )
    )


async def provision(options: GatewayOptions, plan: TrunkPlan) -> tuple[str, str]:
    """Create the trunk and the rule; returns their ids."""
    async with api.LiveKitAPI(
        options.livekit_url.replace("ws", "http", 1), options.api_key, options.api_secret
    ) as lk:
        trunk = await lk.sip.create_inbound_trunk(trunk_request(plan))
        rule = await lk.sip.create_dispatch_rule(dispatch_request(plan, trunk.sip_trunk_id))
    return trunk.sip_trunk_id, rule.sip_dispatch_rule_id


def plan_from_args(options: GatewayOptions, argv: Sequence[str]) -> TrunkPlan:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m phone provision")
    parser.add_argument("--number", action="append", default=[], help="clinic DID (E.164)")
    parser.add_argument("--allow", action="append", default=[], help="carrier IP/CIDR")
    parser.add_argument("--auth-user", default="")
    parser.add_argument("--auth-password", default="")
    args = parser.parse_args(list(argv))
    return TrunkPlan(
        numbers=tuple(args.number or [options.trunk_number]),
        allowed_addresses=tuple(args.allow),
        auth_username=args.auth_user,
        auth_password=args.auth_password,
        room_prefix=options.room_prefix,
        agent_name=options.agent_name,
    )
