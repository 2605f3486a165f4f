"""Fault-injection suite: a loopback source server that misbehaves on purpose, and what the pipeline does about it."""
