"""Use cases: what the bot does, on a session handed in by the caller (who commits)."""
