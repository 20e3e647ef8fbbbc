"""Audio mode of the scenario simulator: virtual patients speaking into an in-process
AgentSession with real-time audio timing (see README.md). Importing it registers the
"audio" mode with `sim.runner`."""


def _register() -> None:
    from sim.runner import register_mode

    from .mode import run_audio

    register_mode("audio", run_audio)


_register()
