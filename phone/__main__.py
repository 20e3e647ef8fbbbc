"""`python -m phone serve` (the local SIP gateway) | `python -m phone provision ...`."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from phone.gateway import SipGateway
from phone.options import GatewayOptions

READY_MARKER = "SIP gateway listening"


async def serve(options: GatewayOptions) -> None:
    gateway = SipGateway(options)
    await gateway.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await gateway.stop()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # livekit rtc reports every agent transcript/state stream we do not consume, per message
    for handler in logging.getLogger().handlers:
        handler.addFilter(
            lambda r: not r.getMessage().startswith(("ignoring byte", "ignoring text"))
        )
    try:
        options = GatewayOptions.from_env()
    except ValueError as exc:
        print(f"phone: {exc}", file=sys.stderr)
        return 2
    command = argv[0] if argv else "serve"
    if command == "serve":
        asyncio.run(serve(options))
        return 0
    if command == "provision":
        from phone.provision import plan_from_args, provision

        plan = plan_from_args(options, argv[1:])
        try:
            trunk_id, rule_id = asyncio.run(provision(options, plan))
        except Exception as exc:  # e.g. the server has no SIP service
            print(f"phone provision failed against {options.livekit_url}: {exc}", file=sys.stderr)
            return 1
        print(f"inbound trunk {trunk_id}, dispatch rule {rule_id}")
        return 0
    print("usage: python -m phone [serve | provision --number +1555... ]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
