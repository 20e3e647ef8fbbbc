"""Scenario simulator: text mode here, audio mode in sim.audio (see README.md)."""
