"""Audio mode of the scenario simulator: virtual patients speaking into an in-process
AgentSession with real-time audio timing (see README.md)."""
