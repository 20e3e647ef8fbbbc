"""Phone line for the clinic receptionist: a SIP/RTP gateway into LiveKit rooms."""
